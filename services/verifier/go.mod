module github.com/arcabackup/arca/services/verifier

go 1.26
