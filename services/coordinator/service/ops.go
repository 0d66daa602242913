package service

import (
	"context"
	"time"

	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// KeySource opens the keyring as it is now. The coordinator reads it at
// each use (a restore, a retention run, the console's key list), so a
// rotation or an erasure shows at once.
type KeySource interface {
	Keyring(ctx context.Context) (*keyring.Keyring, error)
}

// Tasks are the scheduled operations whose implementation lives beside the
// command line today (drills, base backups, WAL checks, WAL pruning) and
// moves into pkg/restore/drill and pkg/wal: the coordinator schedules them,
// records their runs and shows them, and calls them through this one seam.
// A nil Tasks ignores those fires and leaves the console's drill button
// unwired.
type Tasks interface {
	// Drill restores the newest backups of a sample of tenants into
	// scratch databases and publishes a drill event per restore, tagged
	// with run; an error fails the run.
	Drill(ctx context.Context, run string) error
	// BaseBackup takes a physical base backup labelled label.
	BaseBackup(ctx context.Context, label string) error
	// CheckWAL checks the WAL archive (and the stream, when one runs) for
	// gaps and staleness.
	CheckWAL(ctx context.Context) error
	// WALPruner deletes the archived WAL no kept base backup needs, for
	// the retention runs; nil leaves the WAL alone.
	prune.WALPruner
}

// operations are what the coordinator does beyond the catalog and JOBS:
// restores, plans, retention, drills, base backups and WAL checks. Its
// implementation is bucketOps; tests substitute their own.
type operations interface {
	restore(ctx context.Context, r RestoreJob) error
	planRestore(ctx context.Context, r RestoreJob) (RestorePlan, error)
	drill(ctx context.Context, run RunInfo) error
	retention(ctx context.Context, run RunInfo) error
	retentionPlan(ctx context.Context) ([]RetentionDecision, error)
	keyVersions(ctx context.Context) ([]KeyVersion, error)
	base(ctx context.Context, run RunInfo) error
	walCheck(ctx context.Context, run RunInfo) error
	// coverTenantRestore says why base backups and WAL do not cover a
	// tenant point-in-time restore to at ("" when they do).
	coverTenantRestore(ctx context.Context, at time.Time) (reason string, err error)
	// tasksWired says whether drill, base and walCheck may be called.
	tasksWired() bool
}
