package console

import (
	"context"
	"errors"
	"time"

	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// Service is what the console needs of the coordinator.
type Service interface {
	Tenants(ctx context.Context) ([]catalog.TenantSummary, error)
	Whole(ctx context.Context) (catalog.Whole, error)
	Backups(ctx context.Context, tenant string, limit int) ([]catalog.Backup, error)
	Backup(ctx context.Context, id string) (catalog.Backup, error)
	Stages(ctx context.Context, backupID string) ([]catalog.Stage, error)
	Copies(ctx context.Context, backupID string) ([]catalog.Copy, error)
	Run(ctx context.Context, id string) (catalog.Run, []catalog.Job, error)
	Runs(ctx context.Context, limit int) ([]catalog.Run, error)
	Drills(ctx context.Context, tenant string, limit int) ([]catalog.Drill, error)
	Restores(ctx context.Context, tenant string, limit int) ([]catalog.Restore, error)
	// PlanRestore says what the restore would do; ErrNoPlan when the
	// coordinator has no planner.
	PlanRestore(ctx context.Context, r RestoreRequest) (Plan, error)
	// StartRestore records a restore and runs it in the background.
	StartRestore(ctx context.Context, r RestoreRequest) (catalog.Restore, error)
	Restore(ctx context.Context, id string) (catalog.Restore, error)
	Audit(ctx context.Context, tenant string, limit int) ([]catalog.AuditEntry, error)
	AddAudit(ctx context.Context, e catalog.AuditEntry) error
	// SignOut ends a session before its cookie expires; SignedOut tells.
	SignOut(ctx context.Context, nonce string, expires time.Time) error
	SignedOut(ctx context.Context, nonce string) (bool, error)
	// Fleet reports the queues and the schedules; a field it cannot
	// read is left zero.
	Fleet(ctx context.Context) (Fleet, error)
	OpsService
}

// RestoreRequest is a restore asked for in the console.
type RestoreRequest struct {
	BackupID string
	Mode     string // catalog.RestoreTarget, RestoreIntoSchema, RestoreReplace
	// Target is the scratch database's name (target) or the schema
	// (into_schema); empty for replace.
	Target string
}

// Fleet is the state of the pipeline as a whole.
type Fleet struct {
	QueueDepth  int64 // jobs waiting in JOBS
	DeadLetters int64 // messages in DLQ
	Schedules   []Schedule
}

// Schedule is one of the coordinator's schedules.
type Schedule struct {
	Name string
	Expr string
	Zone string
	Next *time.Time // nil when not computed
}

// Plan is what a restore would do, table by table.
type Plan struct {
	Tables []PlanTable
	// Schema is the tenant's own schema, which a replace drops and
	// restores whole; empty for tenants without one.
	Schema string
}

// PlanTable is one table of a restore's plan.
type PlanTable struct {
	Schema string
	Name   string
	Role   string // how the tenant's rows belong to it (tenancy roles)
	// Rows is what the backup holds: the rows the restore writes.
	Rows int64
	// Deletes is, for a replace, the live rows deleted first (the tenant
	// as the database holds it now); 0 otherwise.
	Deletes int64
}

// ErrNoPlan is returned by PlanRestore when no planner is wired: the page
// shows the backup's totals only.
var ErrNoPlan = errors.New("restore plans not available")

// OpsService is what the operations page needs; a coordinator without a
// drill runner, a retention planner or a keyring answers ErrNotWired.
type OpsService interface {
	// StartDrill runs a restore drill now, in the background, and returns
	// its run.
	StartDrill(ctx context.Context) (catalog.Run, error)
	// RetentionPlan is what a prune would delete and keep, and why; it
	// deletes nothing.
	RetentionPlan(ctx context.Context) ([]RetentionDecision, error)
	// Keys lists the key versions, never their material.
	Keys(ctx context.Context) ([]KeyVersion, error)
}

// ErrNotWired is returned by an OpsService method the coordinator was
// built without.
var ErrNotWired = errors.New("not available in this deployment")

// RetentionDecision is one backup of the retention plan.
type RetentionDecision struct {
	BackupID  string
	Tenant    string
	Kind      string
	CreatedAt time.Time
	Action    string // keep, delete
	Reasons   []string
}

// KeyVersion is one version of a key: which tenant ("" for the default
// key), whether it is the primary, and when it was destroyed (crypto-
// erasure).
type KeyVersion struct {
	ID        string
	Tenant    string
	Number    int
	Created   time.Time
	Primary   bool
	Kind      string // local, kms
	Destroyed *time.Time
}
