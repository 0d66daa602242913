package catalog

import (
	"errors"
	"time"
)

// ErrNotFound is returned for an unknown run, backup or restore.
var ErrNotFound = errors.New("not found")

// Job states. See the package documentation for the transitions.
const (
	JobQueued       = "queued"
	JobRunning      = "running"
	JobCommitted    = "committed"
	JobVerified     = "verified"
	JobFailed       = "failed"
	JobDeadLettered = "dead_lettered"
	JobSkipped      = "skipped" // another job of the tenant and kind was in flight
	JobExpired      = "expired" // no event within the in-flight limit
)

// Run states.
const (
	RunFanningOut = "fanning_out"
	RunRunning    = "running"
	RunDone       = "done"
	RunFailed     = "failed"
)

// rankSQL is rank as a SQL expression over a state column.
const rankSQL = `(CASE %s WHEN 'queued' THEN 0 WHEN 'running' THEN 1 WHEN 'committed' THEN 2
	WHEN 'verified' THEN 4 ELSE 3 END)`

// NewRun describes a run about to fan out.
type NewRun struct {
	ID          string
	Schedule    string // schedule name, "" for a manual run
	Kind        string // tenant, full, drill, retention
	Trigger     string // schedule, api, cli
	FireKey     string // identifies one fire across duplicate fire messages; "" for manual runs
	ScheduledAt time.Time
}

// Run is a run's row with its jobs counted by state.
type Run struct {
	ID          string         `json:"id"`
	Schedule    string         `json:"schedule,omitempty"`
	Kind        string         `json:"kind"`
	Trigger     string         `json:"trigger"`
	State       string         `json:"state"`
	ScheduledAt time.Time      `json:"scheduled_at"`
	StartedAt   time.Time      `json:"started_at"`
	FannedOutAt *time.Time     `json:"fanned_out_at,omitempty"`
	FinishedAt  *time.Time     `json:"finished_at,omitempty"`
	Jobs        int            `json:"jobs"`
	ByState     map[string]int `json:"by_state,omitempty"`
	Bytes       int64          `json:"bytes"`
	PlainBytes  int64          `json:"plain_bytes"`
	Error       string         `json:"error,omitempty"`
}

// Finished reports whether the run reached a final state.
func (r Run) Finished() bool { return r.State == RunDone || r.State == RunFailed }

// Job is one tenant's job in a run.
type Job struct {
	BackupID    string     `json:"backup_id"`
	RunID       string     `json:"run_id,omitempty"`
	Tenant      string     `json:"tenant,omitempty"`
	Kind        string     `json:"kind"`
	State       string     `json:"state"`
	SkippedFor  string     `json:"skipped_for,omitempty"`
	RequestedAt time.Time  `json:"requested_at"`
	StartedAt   *time.Time `json:"started_at,omitempty"`
	ExportedAt  *time.Time `json:"exported_at,omitempty"`
	CommittedAt *time.Time `json:"committed_at,omitempty"`
	FinishedAt  *time.Time `json:"finished_at,omitempty"`
	PlainBytes  int64      `json:"plain_bytes"`
	Bytes       int64      `json:"bytes"`
	Attempts    int        `json:"attempts"`
	Error       string     `json:"error,omitempty"`
}

// Backup is what the catalog knows of one backup: its job, when it ran
// through this coordinator, and its commit, when it is in the bucket.
type Backup struct {
	BackupID    string     `json:"backup_id"`
	Tenant      string     `json:"tenant,omitempty"`
	Kind        string     `json:"kind"`
	RunID       string     `json:"run_id,omitempty"`
	State       string     `json:"state"` // the job's state; "committed" or "verified" for a backup known only from its manifest
	RequestedAt *time.Time `json:"requested_at,omitempty"`
	CommittedAt *time.Time `json:"committed_at,omitempty"`
	VerifiedAt  *time.Time `json:"verified_at,omitempty"`
	ManifestKey string     `json:"manifest_key,omitempty"`
	ObjectKey   string     `json:"object_key,omitempty"`
	Bytes       int64      `json:"bytes"`
	PlainBytes  int64      `json:"plain_bytes"`
	Parts       int        `json:"parts,omitempty"`
	Error       string     `json:"error,omitempty"`
}

// Restore is a restore requested through the API.
type Restore struct {
	ID          string     `json:"id"`
	BackupID    string     `json:"backup_id"`
	Tenant      string     `json:"tenant,omitempty"`
	Target      string     `json:"target"`
	Mode        string     `json:"mode,omitempty"` // target (default), into_schema, replace
	State       string     `json:"state"`
	RequestedAt time.Time  `json:"requested_at"`
	FinishedAt  *time.Time `json:"finished_at,omitempty"`
	Error       string     `json:"error,omitempty"`
	Result      string     `json:"result,omitempty"` // the executor's summary: tables, rows, time
}

// Scope is one tenant's backups of one kind (tenant "" for whole-database
// kinds), as the alerter's staleness check sees it.
type Scope struct {
	Tenant string
	Kind   string
}
