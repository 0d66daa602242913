package catalog

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// TenantSummary is one tenant on the console's overview: the newest backup
// of each kind it has, and its newest drill.
type TenantSummary struct {
	Tenant  string            `json:"tenant"`
	Removed bool              `json:"removed,omitempty"` // the last fan-out no longer listed it
	Newest  map[string]Backup `json:"newest"`            // by kind
	Drill   *Drill            `json:"drill,omitempty"`
}

// Drill is one restore drill's outcome, with its RTO.
type Drill struct {
	BackupID string        `json:"backup_id"`
	Tenant   string        `json:"tenant,omitempty"`
	Kind     string        `json:"kind"`
	Status   string        `json:"status"`
	Duration time.Duration `json:"duration"`
	Error    string        `json:"error,omitempty"`
	At       time.Time     `json:"at"`
}

// Tenants summarises every tenant the catalog knows (listed by a fan-out
// or seen in a backup), by id.
func (c *Catalog) Tenants(ctx context.Context) ([]TenantSummary, error) {
	rows, err := c.db.Query(ctx, `WITH ids AS (
			SELECT id, removed_at IS NOT NULL AS removed FROM `+Schema+`.tenants
			UNION SELECT DISTINCT tenant, false FROM `+Schema+`.backups WHERE tenant <> ''
				AND tenant NOT IN (SELECT id FROM `+Schema+`.tenants))
		SELECT id, removed FROM ids ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	var out []TenantSummary
	index := map[string]int{}
	var s TenantSummary
	if _, err := pgx.ForEachRow(rows, []any{&s.Tenant, &s.Removed}, func() error {
		index[s.Tenant] = len(out)
		out = append(out, TenantSummary{Tenant: s.Tenant, Removed: s.Removed, Newest: map[string]Backup{}})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	list, err := queryAll(ctx, c.db, scanBackup, "newest backups", `SELECT DISTINCT ON (v.tenant, v.kind) v.* FROM (`+backupView+`) v
		WHERE v.tenant <> '' AND v.state <> 'skipped'
		ORDER BY v.tenant, v.kind, coalesce(v.committed_at, v.requested_at) DESC, v.backup_id DESC`)
	if err != nil {
		return nil, err
	}
	for _, b := range list {
		if i, ok := index[b.Tenant]; ok {
			out[i].Newest[b.Kind] = b
		}
	}
	drills, err := c.drills(ctx, `SELECT DISTINCT ON (tenant) backup_id, tenant, kind, status, duration_ms, error, at
		FROM `+Schema+`.drills WHERE tenant <> '' ORDER BY tenant, at DESC`)
	if err != nil {
		return nil, err
	}
	for _, d := range drills {
		if i, ok := index[d.Tenant]; ok {
			out[i].Drill = &d
		}
	}
	return out, nil
}

// Drills lists a tenant's drills ("" for every drill, whole-database ones
// included), newest first.
func (c *Catalog) Drills(ctx context.Context, tenant string, limit int) ([]Drill, error) {
	return c.drills(ctx, `SELECT backup_id, tenant, kind, status, duration_ms, error, at FROM `+Schema+`.drills
		WHERE $1 = '' OR tenant = $1 ORDER BY at DESC LIMIT $2`, tenant, limit)
}

func (c *Catalog) drills(ctx context.Context, sql string, args ...any) ([]Drill, error) {
	return queryAll(ctx, c.db, func(row pgx.CollectableRow) (Drill, error) {
		var d Drill
		var ms int64
		err := row.Scan(&d.BackupID, &d.Tenant, &d.Kind, &d.Status, &ms, &d.Error, &d.At)
		d.Duration = time.Duration(ms) * time.Millisecond
		return d, err
	}, "drills", sql, args...)
}

// Stage is one stage event of a backup, for its timeline.
type Stage struct {
	Stage    string        `json:"stage"`
	Status   string        `json:"status"`
	Part     *int          `json:"part,omitempty"`
	Attempt  int           `json:"attempt"`
	Bytes    int64         `json:"bytes"`
	Duration time.Duration `json:"duration"`
	Error    string        `json:"error,omitempty"`
	At       time.Time     `json:"at"`
}

// Stages lists a backup's stage events in the order they happened.
func (c *Catalog) Stages(ctx context.Context, backupID string) ([]Stage, error) {
	return queryAll(ctx, c.db, scanStage, fmt.Sprintf("stages of %s", backupID), `SELECT stage, status, part, attempt, bytes, duration_ms, error, at
		FROM `+Schema+`.stage_events WHERE backup_id = $1 ORDER BY at, stage, part`, backupID)
}

func scanStage(row pgx.CollectableRow) (Stage, error) {
	var s Stage
	var ms int64
	err := row.Scan(&s.Stage, &s.Status, &s.Part, &s.Attempt, &s.Bytes, &ms, &s.Error, &s.At)
	s.Duration = time.Duration(ms) * time.Millisecond
	return s, err
}

// Restores lists the restores of a tenant ("" for all), newest first.
func (c *Catalog) Restores(ctx context.Context, tenant string, limit int) ([]Restore, error) {
	return queryAll(ctx, c.db, func(row pgx.CollectableRow) (Restore, error) { return scanRestore(row) }, "list restores", `SELECT `+restoreColumns+` FROM `+Schema+`.restores
		WHERE $1 = '' OR tenant = $1 ORDER BY requested_at DESC, id DESC LIMIT $2`, tenant, limit)
}

// Whole is the whole-database side of the overview: the newest full dump
// and base backup, and the newest check of the WAL archive.
type Whole struct {
	Newest   map[string]Backup `json:"newest"` // by kind: full, base
	WALCheck *Stage            `json:"wal_check,omitempty"`
}

// Whole reads the newest whole-database backups and WAL archive check.
func (c *Catalog) Whole(ctx context.Context) (Whole, error) {
	w := Whole{Newest: map[string]Backup{}}
	list, err := queryAll(ctx, c.db, scanBackup, "whole-database backups", `SELECT DISTINCT ON (v.kind) v.* FROM (`+backupView+`) v
		WHERE v.tenant = '' AND v.state <> 'skipped'
		ORDER BY v.kind, coalesce(v.committed_at, v.requested_at) DESC, v.backup_id DESC`)
	if err != nil {
		return w, err
	}
	for _, b := range list {
		w.Newest[b.Kind] = b
	}
	st, err := queryAll(ctx, c.db, scanStage, "wal archive check", `SELECT stage, status, part, attempt, bytes, duration_ms, error, at
		FROM `+Schema+`.stage_events WHERE stage = 'wal-archive' ORDER BY at DESC LIMIT 1`)
	if err != nil {
		return w, err
	}
	if len(st) == 1 {
		w.WALCheck = &st[0]
	}
	return w, nil
}
