module github.com/arcabackup/arca/pkg/backup

go 1.26.0

require (
	github.com/arcabackup/arca/pkg/objstore v0.0.0
	github.com/arcabackup/arca/pkg/seal v0.0.0
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/tink-crypto/tink-go/v2 v2.9.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)

replace (
	github.com/arcabackup/arca/pkg/embednats => ../embednats
	github.com/arcabackup/arca/pkg/objstore => ../objstore
	github.com/arcabackup/arca/pkg/seal => ../seal
	github.com/arcabackup/arca/pkg/teststack => ../teststack
)
