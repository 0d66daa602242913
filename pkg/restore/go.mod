module github.com/arcabackup/arca/pkg/restore

go 1.26.0

require (
	github.com/arcabackup/arca/pkg/archive v0.0.0
	github.com/arcabackup/arca/pkg/backup v0.0.0
	github.com/arcabackup/arca/pkg/seal v0.0.0
	github.com/arcabackup/arca/pkg/tenancy v0.0.0
	github.com/arcabackup/arca/pkg/wal v0.0.0
	github.com/exaring/otelpgx v0.13.0
	github.com/jackc/pgx/v5 v5.13.0
	github.com/stretchr/testify v1.12.1
	go.opentelemetry.io/otel/metric v1.47.0
)

require (
	github.com/arcabackup/arca/pkg/objstore v0.0.0 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/go-logr/logr v1.4.4 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/tink-crypto/tink-go/v2 v2.9.0 // indirect
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.opentelemetry.io/otel v1.47.0 // indirect
	go.opentelemetry.io/otel/log v1.47.0 // indirect
	go.opentelemetry.io/otel/trace v1.47.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)

replace (
	github.com/arcabackup/arca/pkg/archive => ../archive
	github.com/arcabackup/arca/pkg/backup => ../backup
	github.com/arcabackup/arca/pkg/seal => ../seal
	github.com/arcabackup/arca/pkg/tenancy => ../tenancy
)

replace github.com/arcabackup/arca/pkg/objstore => ../objstore

replace github.com/arcabackup/arca/pkg/wal => ../wal

replace github.com/arcabackup/arca/pkg/teststack => ../teststack

replace github.com/arcabackup/arca/pkg/embednats => ../embednats
