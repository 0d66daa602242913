package tenantexport

import (
	"context"
	"io"
	"time"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/export"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

// Config is what an export from one database needs.
type Config struct {
	Tenancy     tenancy.Config
	Parallelism int    // COPY sessions (default 2)
	PGBinDir    string // where pg_dump lives; empty: found from the server version
	ToolVersion string
	// StatementTimeout and LockTimeout bound each statement and lock wait;
	// zero keeps the server's settings.
	StatementTimeout, LockTimeout time.Duration
}

// Tenant writes the archive of tenant, read from the database at dbURL, to
// w and returns its manifest. Nothing of the tenant's data is logged.
func Tenant(ctx context.Context, cfg Config, dbURL, tenant string, w io.Writer) (archive.Manifest, error) {
	if cfg.Parallelism <= 0 {
		cfg.Parallelism = 2
	}
	return export.Tenant(ctx, export.Config{
		Source:      source.Config{URL: dbURL, StatementTimeout: cfg.StatementTimeout, LockTimeout: cfg.LockTimeout},
		Tenancy:     cfg.Tenancy.WithDefaults(),
		Parallelism: cfg.Parallelism,
		PGBinDir:    cfg.PGBinDir,
		ToolVersion: cfg.ToolVersion,
	}, tenant, w)
}
