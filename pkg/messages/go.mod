module github.com/arcabackup/arca/pkg/messages

go 1.26
