module github.com/arcabackup/arca/pkg/tenancy

go 1.26
