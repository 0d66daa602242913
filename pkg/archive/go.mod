module github.com/arcabackup/arca/pkg/archive

go 1.26
