package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/messages"
)

// StageDrill is the stage of restore drill events.
const StageDrill = messages.StageDrill

// Apply records one event and what it means for its job, backup, run,
// verification or drill, in one transaction. An event seen before (same
// msgID) changes nothing, so redeliveries and replays are harmless. Events
// about single parts only matter when they fail.
func (c *Catalog) Apply(ctx context.Context, msgID string, e messages.Event) error {
	if e.Part != nil && e.Status != messages.StatusFailed && e.Status != messages.StatusDeadLettered {
		return nil
	}
	err := c.inTx(ctx, func(tx pgx.Tx) error {
		fresh, err := recordEvent(ctx, tx, msgID, e)
		if err != nil || !fresh {
			return err
		}
		if e.Stage == StageDrill {
			return recordDrill(ctx, tx, msgID, e)
		}
		if e.Stage == messages.StageRestore || e.Stage == messages.StageRestoreStep {
			return recordTenantRestore(ctx, tx, e) // a restore, not a backup: no job
		}
		if d := e.Attrs[messages.DestinationAttr]; d != "" {
			// A copy's facts: its own row, never the primary's job or backup.
			return recordCopy(ctx, tx, d, e)
		}
		if e.BackupID == "" {
			return nil
		}
		runID, err := ensureJob(ctx, tx, e)
		if err != nil {
			return err
		}
		if err := advanceJob(ctx, tx, e); err != nil {
			return err
		}
		if err := recordOutcome(ctx, tx, e); err != nil {
			return err
		}
		if runID == "" {
			return nil
		}
		return completeRun(ctx, tx, runID, e.Time)
	})
	if err != nil {
		return fmt.Errorf("apply event %s: %w", msgID, err)
	}
	return nil
}

func recordEvent(ctx context.Context, tx pgx.Tx, msgID string, e messages.Event) (bool, error) {
	var attrs []byte
	if len(e.Attrs) > 0 {
		attrs, _ = json.Marshal(e.Attrs)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO `+Schema+`.stage_events (msg_id, backup_id, run_id, tenant, kind, stage, status,
		part, attempt, bytes, duration_ms, error, attrs, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT DO NOTHING`, msgID, e.BackupID, e.Run, e.Tenant, string(e.Kind), e.Stage, string(e.Status), e.Part,
		e.Attempt, e.Bytes, time.Duration(e.Duration).Milliseconds(), e.Error, attrs, e.Time)
	return err == nil && tag.RowsAffected() == 1, err
}

// ensureJob returns the run of the event's job, recording the job first
// when it was started outside this catalog (a CLI publishing directly).
func ensureJob(ctx context.Context, tx pgx.Tx, e messages.Event) (string, error) {
	var runID string
	err := tx.QueryRow(ctx, `SELECT coalesce(run_id, '') FROM `+Schema+`.jobs WHERE backup_id = $1`, e.BackupID).Scan(&runID)
	if err == nil {
		return runID, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return "", err
	}
	var run *string
	if e.Run != "" {
		run = &e.Run
		if _, err := tx.Exec(ctx, `INSERT INTO `+Schema+`.runs (id, kind, trigger, scheduled_at, state, fanned_out_at)
			VALUES ($1, $2, $3, $4, 'running', $4) ON CONFLICT DO NOTHING`, e.Run, string(e.Kind), TriggerOf(e.Run), e.Time); err != nil {
			return "", err
		}
	}
	_, err = tx.Exec(ctx, `INSERT INTO `+Schema+`.jobs (backup_id, run_id, tenant, kind, state, requested_at, updated_at)
		VALUES ($1, $2, $3, $4, 'queued', $5, $5) ON CONFLICT DO NOTHING`, e.BackupID, run, e.Tenant, string(e.Kind), e.Time)
	return e.Run, err
}

// TriggerOf is the trigger of a run the catalog learns of from its events
// (started outside it): "cli" for the CLI's runs (ids cli-...), "event"
// for any other.
func TriggerOf(run string) string {
	if strings.HasPrefix(run, "cli-") {
		return "cli"
	}
	return "event"
}

// advanceJob moves the job forward (never back) and records its facts.
func advanceJob(ctx context.Context, tx pgx.Tx, e messages.Event) error {
	state := jobState(e)
	_, err := tx.Exec(ctx, `UPDATE `+Schema+`.jobs SET
		state = CASE WHEN $2::text <> '' AND `+fmt.Sprintf(rankSQL, "$2::text")+` > `+fmt.Sprintf(rankSQL, "state")+`
			AND state <> 'skipped' THEN $2 ELSE state END,
		started_at   = CASE WHEN $3 = 'started' THEN least(started_at, $4) ELSE started_at END,
		exported_at  = CASE WHEN $5 = 'export' AND $3 = 'succeeded' THEN $4 ELSE exported_at END,
		plain_bytes  = CASE WHEN $5 = 'export' AND $3 = 'succeeded' THEN $6 ELSE plain_bytes END,
		committed_at = CASE WHEN $5 = 'upload' AND $3 = 'succeeded' THEN $4 ELSE committed_at END,
		bytes        = CASE WHEN $5 = 'upload' AND $3 = 'succeeded' THEN $6 ELSE bytes END,
		finished_at  = CASE WHEN $2::text <> '' AND `+fmt.Sprintf(rankSQL, "$2::text")+` >= 3 THEN $4 ELSE finished_at END,
		attempts     = greatest(attempts, $7),
		error        = CASE WHEN $8 <> '' THEN $8
			WHEN $2::text = 'verified' AND state <> 'skipped' THEN '' ELSE error END, -- a retry that succeeded leaves no stale error
		updated_at   = greatest(updated_at, $4)
		WHERE backup_id = $1`,
		e.BackupID, state, string(e.Status), e.Time, e.Stage, e.Bytes, e.Attempt, e.Error)
	return err
}

// jobState is the state an event moves its job to ("" for no change).
func jobState(e messages.Event) string {
	switch {
	case e.Status == messages.StatusDeadLettered:
		return JobDeadLettered
	case e.Status == messages.StatusFailed:
		return JobFailed
	case e.Status == messages.StatusStarted, e.Status == messages.StatusRetrying:
		return JobRunning
	case e.Stage == messages.StageUpload && e.Status == messages.StatusSucceeded:
		return JobCommitted
	case e.Stage == messages.StageVerify && e.Status == messages.StatusSucceeded:
		return JobVerified
	case e.Status == messages.StatusSucceeded:
		return JobRunning
	}
	return ""
}

// recordOutcome records a commit in backups and a verification.
func recordOutcome(ctx context.Context, tx pgx.Tx, e messages.Event) error {
	switch {
	case e.Stage == messages.StageUpload && e.Status == messages.StatusSucceeded:
		parts, _ := strconv.Atoi(e.Attrs["parts"])
		plain, _ := strconv.ParseInt(e.Attrs["plain_bytes"], 10, 64)
		_, err := tx.Exec(ctx, `INSERT INTO `+Schema+`.backups (backup_id, tenant, kind, run_id, manifest_key, object_key,
			bytes, plain_bytes, parts, committed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (backup_id) DO UPDATE SET manifest_key = excluded.manifest_key, object_key = excluded.object_key,
				bytes = excluded.bytes, plain_bytes = excluded.plain_bytes, parts = excluded.parts,
				run_id = CASE WHEN excluded.run_id <> '' THEN excluded.run_id ELSE backups.run_id END`,
			e.BackupID, e.Tenant, string(e.Kind), runOf(ctx, tx, e), e.Attrs["manifest"], e.Attrs["object"],
			e.Bytes, plain, parts, e.Time)
		return err
	case e.Stage == messages.StageVerify && (e.Status == messages.StatusSucceeded || e.Status == messages.StatusFailed):
		ok := e.Status == messages.StatusSucceeded
		if _, err := tx.Exec(ctx, `INSERT INTO `+Schema+`.verifications (backup_id, checked_at, verified, duration_ms, reason)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
			e.BackupID, e.Time, ok, time.Duration(e.Duration).Milliseconds(), e.Error); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE `+Schema+`.backups SET
			verified_at = CASE WHEN $2 THEN greatest(verified_at, $3) ELSE verified_at END,
			verify_error = CASE WHEN $2 THEN '' ELSE $4 END WHERE backup_id = $1`, e.BackupID, ok, e.Time, e.Error)
		return err
	}
	return nil
}

func runOf(ctx context.Context, tx pgx.Tx, e messages.Event) string {
	if e.Run != "" {
		return e.Run
	}
	var run string
	_ = tx.QueryRow(ctx, `SELECT coalesce(run_id, '') FROM `+Schema+`.jobs WHERE backup_id = $1`, e.BackupID).Scan(&run)
	return run
}

func recordDrill(ctx context.Context, tx pgx.Tx, msgID string, e messages.Event) error {
	_, err := tx.Exec(ctx, `INSERT INTO `+Schema+`.drills (msg_id, backup_id, tenant, kind, status, duration_ms, error, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`, msgID, e.BackupID, e.Tenant, string(e.Kind),
		string(e.Status), time.Duration(e.Duration).Milliseconds(), e.Error, e.Time)
	return err
}

// recordTenantRestore moves a tenant point-in-time restore (recorded in
// restores when the API scheduled it) with the restorer's events: started
// is running, a retry stays running, and the end records its outcome.
func recordTenantRestore(ctx context.Context, tx pgx.Tx, e messages.Event) error {
	if e.Stage != messages.StageRestore {
		return nil // its steps are in stage_events
	}
	state, result := "", ""
	switch e.Status {
	case messages.StatusStarted, messages.StatusRetrying:
		state = RestoreRunning
	case messages.StatusSucceeded:
		state = RestoreSucceeded
		result = fmt.Sprintf("point-in-time restore from base backup %s, recovered to %s, %s rows, RTO %s",
			e.Attrs["base_backup"], e.Attrs["recovered_to"], e.Attrs["rows"], e.Attrs["rto"])
	case messages.StatusFailed, messages.StatusDeadLettered:
		state = RestoreFailed
	default:
		return nil
	}
	// Never back from an end: a late retrying event changes nothing.
	_, err := tx.Exec(ctx, `UPDATE `+Schema+`.restores SET state = $2,
		error = CASE WHEN $2 = 'failed' THEN $3 WHEN $2 = 'succeeded' THEN '' ELSE error END,
		result = CASE WHEN $4 <> '' THEN result || ': ' || $4 ELSE result END, -- after the moment the API recorded
		finished_at = CASE WHEN $2 IN ('succeeded', 'failed') THEN $5 ELSE finished_at END
		WHERE id = $1 AND state NOT IN ('succeeded', 'failed')`, e.BackupID, state, e.Error, result, e.Time)
	return err
}
