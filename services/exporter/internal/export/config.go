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
	// SplitPages is the least size, in blocks, of a table whose COPY may
	// be split into Parallelism ranges of blocks copied by as many
	// sessions (DESIGN #40; 0: DefaultSplitPages, negative: never), and
	// SplitBytes the least output the plan must estimate for the tenant's
	// rows of it (0: DefaultSplitBytes).
	SplitPages int64
	SplitBytes int64
	// SplitSpool bounds the output a range after the first holds while
	// the ranges before it are written (0: copyout.DefaultSpoolBytes).
	SplitSpool int
	// OnSplit, if set, is told of each table copied in ranges and the
	// scan its plan has ("Seq Scan", "Bitmap Heap Scan").
	OnSplit func(file string, ranges int, scan string)
}

// DefaultSplitPages (8 MiB of 8 KiB blocks) and DefaultSplitBytes are
// Config.SplitPages' and SplitBytes' defaults: below them a second session
// saves less than the plan and round trips of the split cost.
const (
	DefaultSplitPages = 1024
	DefaultSplitBytes = 4 << 20
)

// splitOptions are the split's copyout options; pages 0 never splits.
func (c Config) splitOptions() (pages, bytes int64) {
	pages, bytes = c.SplitPages, c.SplitBytes
	if pages == 0 {
		pages = DefaultSplitPages
	}
	if bytes == 0 {
		bytes = DefaultSplitBytes
	}
	if pages < 0 || c.Parallelism == 1 {
		return 0, 0
	}
	return pages, bytes
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	errs := []error{c.Source.Validate(), c.Tenancy.Validate()}
	if c.Parallelism < 0 || c.ChunkSize < 0 {
		errs = append(errs, fmt.Errorf("export: parallelism and chunk size must not be negative"))
	}
	return errors.Join(errs...)
}
