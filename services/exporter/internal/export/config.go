package export

import (
	"errors"
	"fmt"

	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

// Config is what a tenant export needs.
type Config struct {
	Source  source.Config
	Tenancy tenancy.Config
	// Limiter caps concurrent exports per source; share one between jobs
	// (nil: no cap).
	Limiter *source.Limiter
	// Parallelism is the number of sessions copying tables at once.
	Parallelism int
	// ChunkSize is the archive chunk size; memory is about
	// (Parallelism+1) × ChunkSize.
	ChunkSize int
	// PGBinDir is where pg_dump lives; empty: search by server version.
	PGBinDir    string
	ToolVersion string
	// Cache, when set, keeps the shared schemas' DDL and the column-model
	// plan between exports while the catalog is unchanged; share one per
	// source.
	Cache *Cache
	// Sessions, when set, keeps the sessions of finished exports for the
	// next ones.
	Sessions *source.Sessions
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	errs := []error{c.Source.Validate(), c.Tenancy.Validate()}
	if c.Parallelism < 0 || c.ChunkSize < 0 {
		errs = append(errs, fmt.Errorf("export: parallelism and chunk size must not be negative"))
	}
	return errors.Join(errs...)
}
