module github.com/arcabackup/arca/services/alerter

go 1.26
