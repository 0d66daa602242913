module github.com/arcabackup/arca/pkg/backup

go 1.26
