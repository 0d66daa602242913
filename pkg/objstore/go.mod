module github.com/arcabackup/arca/pkg/objstore

go 1.26
