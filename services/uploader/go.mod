module github.com/arcabackup/arca/services/uploader

go 1.26
