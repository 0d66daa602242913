module github.com/arcabackup/arca/pkg/jobs

go 1.26
