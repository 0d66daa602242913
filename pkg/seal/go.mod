module github.com/arcabackup/arca/pkg/seal

go 1.26
