package basebackup

import (
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/wal"
)

// DefaultPartSize is the plaintext size of a sealed part: small enough that
// the parts in flight (Parallelism+2 plaintext, as many sealed) stay
// near 200 MB at the most (4 workers).
const DefaultPartSize = 16 << 20

// Config says which cluster to back up, into which store, under which keys.
type Config struct {
	Store  objstore.Store
	Layout backup.Layout
	Keys   wal.Keys

	// PGBaseBackup is the pg_basebackup binary, of the server's major
	// version ("pg_basebackup" on the PATH when empty).
	PGBaseBackup string
	// ConnString is a libpq connection string for a user with the
	// REPLICATION attribute, e.g. "host=db user=backup".
	ConnString string
	// Label is backup_label's LABEL ("arca <backup id>" when empty).
	Label string
	// FastCheckpoint asks for an immediate checkpoint instead of a spread
	// one (pg_basebackup -c fast): the backup starts at once, at the cost of
	// an I/O burst on the server.
	FastCheckpoint bool

	PartSize int64 // DefaultPartSize
	// Parallelism is how many parts are compressed and encrypted at once
	// (pgBackRest's process-max); 0: the number of CPUs, at most 4.
	Parallelism  int
	SegmentSize  int64  // wal.DefaultSegmentSize
	StorageClass string // of data.arca, e.g. GLACIER_IR ("" = store default)
	Tags         map[string]string
	ToolVersion  string
	Now          func() time.Time // time.Now
}

func (c *Config) validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("store is required"))
	}
	if c.Keys == nil {
		errs = append(errs, errors.New("keys are required"))
	}
	if c.ConnString == "" {
		errs = append(errs, errors.New("connection string is required"))
	}
	if c.PartSize != 0 && (c.PartSize < 1<<20 || c.PartSize > 1<<30) {
		errs = append(errs, fmt.Errorf("part size %d outside 1 MiB..1 GiB", c.PartSize))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("base backup config: %w", err)
	}
	return nil
}

func (c *Config) defaults() {
	if c.PGBaseBackup == "" {
		c.PGBaseBackup = "pg_basebackup"
	}
	if c.PartSize == 0 {
		c.PartSize = DefaultPartSize
	}
	if c.Parallelism <= 0 {
		c.Parallelism = min(runtime.GOMAXPROCS(0), 4)
	}
	if c.SegmentSize == 0 {
		c.SegmentSize = wal.DefaultSegmentSize
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}
