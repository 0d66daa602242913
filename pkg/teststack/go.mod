module github.com/arcabackup/arca/pkg/teststack

go 1.26
