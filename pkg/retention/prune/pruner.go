package prune

import (
	"errors"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/seal"
)

// Defaults of Config.
const (
	DefaultStaleUploadAge = 7 * 24 * time.Hour
	DefaultOrphanAge      = 7 * 24 * time.Hour
)

// Config of a Pruner.
type Config struct {
	Layout backup.Layout
	// Keys authenticate manifests and verifications (the keyring): a
	// backup is only ever deleted on the word of an authentic manifest.
	Keys   seal.KeyLookup
	Policy retention.Policy
	// Verifications answers whether a backup was verified; nil reads
	// verified.json from the store.
	Verifications Verifications
	// StaleUploadAge: multipart uploads initiated longer ago are aborted
	// (DefaultStaleUploadAge when zero). No upload of a live backup job
	// lasts that long.
	StaleUploadAge time.Duration
	// OrphanAge: folders without a manifest whose newest object is older
	// are deleted (DefaultOrphanAge when zero), long after any commit that
	// could still write the manifest.
	OrphanAge time.Duration
	// WAL prunes the WAL archive; nil leaves it alone.
	WAL WALPruner
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Pruner applies the retention policy to one bucket. It is safe for
// concurrent use, but two runs on one bucket at once do the same work twice.
type Pruner struct {
	store Store
	cfg   Config
}

// New checks the configuration, reporting every problem at once.
func New(store Store, cfg Config) (*Pruner, error) {
	var errs []error
	if store == nil {
		errs = append(errs, errors.New("store is required"))
	}
	if cfg.Keys == nil {
		errs = append(errs, errors.New("keys are required to authenticate manifests"))
	}
	if err := cfg.Policy.Validate(); err != nil {
		errs = append(errs, err)
	}
	if cfg.StaleUploadAge < 0 || cfg.OrphanAge < 0 {
		errs = append(errs, errors.New("stale upload age and orphan age must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("prune config: %w", err)
	}
	if cfg.Verifications == nil {
		cfg.Verifications = VerificationFiles{Store: store, Layout: cfg.Layout, Keys: cfg.Keys}
	}
	if cfg.StaleUploadAge == 0 {
		cfg.StaleUploadAge = DefaultStaleUploadAge
	}
	if cfg.OrphanAge == 0 {
		cfg.OrphanAge = DefaultOrphanAge
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Pruner{store: store, cfg: cfg}, nil
}

// repo reads and authenticates the bucket's manifests.
func (p *Pruner) repo() backup.Repository {
	return backup.Repository{Store: p.store, Layout: p.cfg.Layout, Keys: p.cfg.Keys}
}
