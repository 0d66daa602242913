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

// Tasks are the scheduled operations the packages that own them carry
// out: drills (drill.Scheduled), base backups and WAL pruning
// (basebackup.Scheduled), WAL checks. The coordinator schedules them,
// records their runs and shows them. Unless Drills, Bases and WALChecks
// are all set, those fires are ignored and the console's drill button is
// unwired.
type Tasks struct {
	Drills    Driller
	Bases     BaseBackuper
	WALChecks WALChecker
	// WALPruner deletes the archived WAL no kept base backup needs, for
	// the retention runs; nil leaves the WAL alone.
	WALPruner prune.WALPruner
}

// Driller restores the newest backups of a sample of tenants into scratch
// databases and publishes a drill event per restore, tagged with run; an
// error fails the run.
type Driller interface {
	Drill(ctx context.Context, run string) error
}

// BaseBackuper takes a physical base backup labelled label.
type BaseBackuper interface {
	BaseBackup(ctx context.Context, label string) error
}

// WALChecker checks the WAL archive (and the stream, when one runs) for
// gaps and staleness.
type WALChecker interface {
	CheckWAL(ctx context.Context) error
}

func (t Tasks) wired() bool { return t.Drills != nil && t.Bases != nil && t.WALChecks != nil }

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
