module github.com/arcabackup/arca/services/encryptor

go 1.26
