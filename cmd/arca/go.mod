module github.com/arcabackup/arca/cmd/arca

go 1.26
