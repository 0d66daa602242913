package service

import (
	"errors"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/tenancy"
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
	// PartSize is the size of a plaintext part (default 32 MiB).
	PartSize int64
	// MaxPartsWaiting is how many parts of one artifact may wait for an
	// encryptor before the export pauses (default 4).
	MaxPartsWaiting int
	ToolVersion     string
	Worker          jobs.Config
}

func (c Config) withDefaults() Config {
	if c.MaxConcurrentExports <= 0 {
		c.MaxConcurrentExports = 4
	}
	if c.Parallelism <= 0 {
		c.Parallelism = 2
	}
	if c.PartSize <= 0 {
		c.PartSize = 32 << 20
	}
	if c.MaxPartsWaiting <= 0 {
		c.MaxPartsWaiting = 4
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
	if c.PartSize != 0 && c.PartSize < 1<<20 {
		errs = append(errs, fmt.Errorf("exporter: part size %d is below 1 MiB", c.PartSize))
	}
	errs = append(errs, c.Tenancy.WithDefaults().Validate())
	return errors.Join(errs...)
}
