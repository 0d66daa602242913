package wal

import (
	"errors"
	"fmt"
	"path"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
)

// Keys seals with the primary key-encryption key and opens with any key
// version: *keyring.Keyring satisfies it.
type Keys interface {
	Primary(tenant string) (seal.KEK, error)
	seal.KeyLookup
}

// Config is what Push, Fetch and the checks need: where the archive is and
// the keys. The zero values of the optional fields are the defaults.
type Config struct {
	Store  objstore.Store
	Layout backup.Layout
	Keys   Keys

	// SegmentSize is the cluster's WAL segment size (DefaultSegmentSize).
	SegmentSize int64
	// Prefetch is how many segments after the requested one Fetch brings
	// into the spool in the same batch (DefaultPrefetch; negative: none).
	Prefetch int
	// SpoolDir holds prefetched segments; "" means "arca-prefetch" beside
	// the destination (pg_wal/arca-prefetch for restore_command's %p).
	SpoolDir string
	// Tags are added to every archived object (DataType, Kind are set).
	Tags map[string]string
	// Sealer seals the files (nil: a new one per file, at seal's default
	// level). A long-lived process keeps one: its zstd encoders are reused.
	Sealer *seal.Sealer
	// AcceptTimeline lets Push archive this timeline's history although its
	// parent has segments after the switch point: a failover that lost
	// writes the old primary had archived, accepted by an operator.
	AcceptTimeline uint32
}

// DefaultPrefetch is the number of segments Fetch prefetches.
const DefaultPrefetch = 8

// Tag keys Push writes on archived objects.
const (
	TagPlainSHA256 = "PlainSHA256"
	TagKind        = "Kind"
	TagDataType    = "DataType"
)

func (c Config) validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("store is required"))
	}
	if c.Keys == nil {
		errs = append(errs, errors.New("keys are required"))
	}
	if s := c.SegmentSize; s != 0 && (s < 1<<20 || s > 1<<30 || s&(s-1) != 0) {
		errs = append(errs, fmt.Errorf("segment size %d is not a power of two between 1 MiB and 1 GiB", s))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("wal config: %w", err)
	}
	return nil
}

func (c Config) segSize() int64 {
	if c.SegmentSize == 0 {
		return DefaultSegmentSize
	}
	return c.SegmentSize
}

func (c Config) prefetch() int {
	switch {
	case c.Prefetch < 0:
		return 0
	case c.Prefetch == 0:
		return DefaultPrefetch
	}
	return c.Prefetch
}

// Key is the object key of an archived WAL file.
func (c Config) Key(f File) string { return c.Layout.WAL(f.TimelineDir(), f.Name) }

// ArtifactID is the id a WAL file is sealed under: "wal/<timeline>/<name>",
// independent of the bucket prefix so that an archive can be moved.
func ArtifactID(f File) string { return path.Join("wal", f.TimelineDir(), f.Name) }

// walPrefix is the folder every timeline lives under.
func (c Config) walPrefix() string { return c.Layout.KindPrefix("wal") }
