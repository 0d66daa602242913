module github.com/arcabackup/arca/services/coordinator

go 1.26
