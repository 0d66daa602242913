module github.com/arcabackup/arca/services/exporter

go 1.26
