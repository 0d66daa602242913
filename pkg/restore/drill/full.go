package drill

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore"
)

// FullReport is the outcome of restoring the newest full dump.
type FullReport struct {
	BackupID   string  `json:"backup_id"`
	Passed     bool    `json:"passed"`
	Reason     string  `json:"reason,omitempty"`
	Tables     int     `json:"tables"`
	Rows       int64   `json:"rows"`
	RTOSeconds float64 `json:"rto_seconds"`
}

// FullConfig is what a full-dump drill needs.
type FullConfig struct {
	// Repo finds the newest full dump and reads it.
	Repo backup.Repository
	// AdminURL connects to the cluster the scratch database is created in.
	AdminURL string
	// PGRestore is the pg_restore binary.
	PGRestore string
	// Jobs is pg_restore --jobs (0: 2).
	Jobs int
}

// Full restores the newest full dump into a scratch database with
// pg_restore --jobs (the dump verified first, every part authenticated),
// counts what came back, and drops the scratch database. No full dump yet
// is not a failure: the report is nil. A restore that fails is a report
// that does not pass; the error is for a drill that could not run.
func Full(ctx context.Context, cfg FullConfig) (rep *FullReport, err error) {
	e, found, err := cfg.Repo.Latest(ctx, "full", "")
	if err != nil || !found {
		return nil, err
	}
	res := &FullReport{BackupID: e.Manifest.BackupID}
	db, err := newScratch(ctx, cfg.AdminURL)
	if err != nil {
		return nil, err
	}
	defer func() {
		if derr := db.drop(context.WithoutCancel(ctx)); derr != nil && err == nil {
			err = derr
		}
	}()
	jobs := cfg.Jobs
	if jobs == 0 {
		jobs = 2
	}
	start := time.Now()
	obj, err := cfg.Repo.Store.Get(ctx, e.Manifest.Object.Key, objstore.Range{})
	if err != nil {
		return nil, fmt.Errorf("drill full %s: %w", e.Manifest.BackupID, err)
	}
	_, rerr := restore.Full(ctx, obj, e.Manifest, cfg.Repo.Keys, restore.FullOptions{Database: db.url, PGRestore: cfg.PGRestore, Jobs: jobs, Args: []string{"--no-owner"}})
	obj.Close()
	res.RTOSeconds = time.Since(start).Seconds()
	if rerr != nil {
		res.Reason = rerr.Error()
		return res, nil
	}
	if res.Tables, res.Rows, err = countTables(ctx, db.url); err != nil {
		return nil, fmt.Errorf("drill full %s: %w", e.Manifest.BackupID, err)
	}
	res.Passed = res.Tables > 0
	if !res.Passed {
		res.Reason = "the restored dump holds no table"
	}
	return res, nil
}

// countTables counts the user tables of a database and their rows.
func countTables(ctx context.Context, dbURL string) (tables int, rows int64, err error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	q, err := conn.Query(ctx, `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r','p') AND n.nspname NOT IN ('pg_catalog','information_schema') ORDER BY 1`)
	if err != nil {
		return 0, 0, err
	}
	names, err := pgx.CollectRows(q, pgx.RowTo[string])
	if err != nil {
		return 0, 0, err
	}
	for _, t := range names {
		var n int64
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil {
			return 0, 0, err
		}
		rows += n
	}
	return len(names), rows, nil
}
