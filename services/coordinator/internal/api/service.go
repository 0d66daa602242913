package api

import (
	"context"
	"errors"
	"time"

	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// Service is what the API needs of the coordinator.
type Service interface {
	Backups(ctx context.Context, tenant string, limit int) ([]catalog.Backup, error)
	Backup(ctx context.Context, id string) (catalog.Backup, error)
	// Copies are a backup's copies in the further destinations (3-2-1),
	// as the copy jobs' and their verifications' events left them.
	Copies(ctx context.Context, backupID string) ([]catalog.Copy, error)
	Run(ctx context.Context, id string) (catalog.Run, []catalog.Job, error)
	// StartTenantBackup starts a run backing up one tenant and returns its
	// job (skipped, naming the job in flight, if one is).
	StartTenantBackup(ctx context.Context, tenant string) (catalog.Job, error)
	StartRestore(ctx context.Context, r RestoreRequest) (catalog.Restore, error)
	Restore(ctx context.Context, id string) (catalog.Restore, error)
	// StartTenantRestore schedules a tenant point-in-time restore (base
	// backups and WAL) as a job for the restorers, after refusing what
	// would fail; Restore then follows it.
	StartTenantRestore(ctx context.Context, tenant string, r TenantRestoreRequest) (catalog.Restore, error)
}

// TenantRestoreRequest asks for a tenant as it was at At: mode "replace"
// (the live tenant's rows), "target" (Target: a database URL without a
// password) or "into-schema" (Schema, beside the live tenant).
type TenantRestoreRequest struct {
	At     time.Time `json:"at"`
	Mode   string    `json:"mode"`
	Target string    `json:"target,omitempty"`
	Schema string    `json:"schema,omitempty"`
}

// RestoreRequest asks for a backup to be restored into a scratch target.
type RestoreRequest struct {
	BackupID string `json:"backup_id"`
	// Target names the scratch database or schema, as the restore executor
	// understands it; never the production database.
	Target string `json:"target"`
}

// Errors a Service returns that the API maps to status codes.
var (
	ErrUnknownTenant = errors.New("unknown tenant")         // 404
	ErrInvalid       = errors.New("invalid request")        // 400
	ErrNoExecutor    = errors.New("restores not available") // 501
)
