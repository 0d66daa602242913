package service

import (
	"errors"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/zframe"
	"github.com/arcabackup/arca/services/exporter/internal/export"
)

// Config of the exporter stage. The exporter holds database credentials and
// no keys.
type Config struct {
	SourceURL            string
	ReplicaURL           string // read from a replica instead, when set
	MaxConcurrentExports int    // per source, default 4
	StatementTimeout     time.Duration
	LockTimeout          time.Duration
	Tenancy              tenancy.Config
	Parallelism          int    // COPY sessions per export, default 2
	PGBinDir             string // pg_dump; empty: found from the server version
	// PartSize is the compressed size at which a part is cut (default
	// 16 MiB): every part but the last is at least that large once
	// compressed, so it must be at least the store's multipart minimum.
	PartSize int64
	// CompressionLevel is the zstd level parts are compressed with, 1–22
	// (default 1, as pipeline.compression_level; zframe.Level says which
	// levels are distinct).
	CompressionLevel int
	// MaxPartsWaiting is how many parts of one artifact may wait for an
	// encryptor before the export pauses (default 4).
	MaxPartsWaiting int
	// BatchSize is the most tenant exports of one coordinator batch
	// (ExportRequested.Batch) read together (default 16, at most
	// MaxConcurrentExports × export.MembersPerSlot; 1 exports every tenant
	// on its own): a larger coordinator batch is read in several, as even
	// as they can be (50 at 16: 13, 13, 12, 12).
	// Each member holds its own archive, compressor and parts, so memory
	// grows with it.
	BatchSize int
	// BatchWait is how long the first job of a batch waits for the others
	// before the batch starts with those that came (default 1s).
	BatchWait   time.Duration
	ToolVersion string
	Worker      jobs.Config
}

func (c Config) withDefaults() Config {
	if c.MaxConcurrentExports <= 0 {
		c.MaxConcurrentExports = 4
	}
	if c.Parallelism <= 0 {
		c.Parallelism = 2
	}
	if c.PartSize <= 0 {
		c.PartSize = 16 << 20
	}
	if c.CompressionLevel == 0 {
		c.CompressionLevel = 1
	}
	if c.MaxPartsWaiting <= 0 {
		c.MaxPartsWaiting = 4
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 16
	}
	// A batch weighs one export slot per export.MembersPerSlot members, and
	// takes at most all of them: a larger batch would hold more members
	// (encoders, parts) than the slots pay for, so it is read in several.
	c.BatchSize = min(c.BatchSize, c.MaxConcurrentExports*export.MembersPerSlot)
	if c.BatchWait <= 0 {
		c.BatchWait = time.Second
	}
	// A batch gathers its jobs in the worker's slots: leave room for one
	// batch per concurrent export.
	if c.BatchSize > 1 {
		slots := c.Worker.Slots
		if slots <= 0 {
			slots = 4
		}
		c.Worker.Slots = max(slots, c.BatchSize*c.MaxConcurrentExports)
	}
	if c.StatementTimeout == 0 {
		c.StatementTimeout = 6 * time.Hour
	}
	if c.LockTimeout == 0 {
		c.LockTimeout = 30 * time.Second
	}
	return c
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.SourceURL == "" {
		errs = append(errs, errors.New("exporter: source url is required"))
	}
	if c.PartSize != 0 && c.PartSize < 16<<10 {
		errs = append(errs, fmt.Errorf("exporter: part size %d is below 16 KiB", c.PartSize))
	}
	if c.CompressionLevel != 0 {
		if _, err := zframe.Level(c.CompressionLevel); err != nil {
			errs = append(errs, fmt.Errorf("exporter: compression level: %w", err))
		}
	}
	errs = append(errs, c.Tenancy.WithDefaults().Validate())
	return errors.Join(errs...)
}
