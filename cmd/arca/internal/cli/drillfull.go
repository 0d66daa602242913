package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/seal"
)

// fullDrill is the outcome of restoring the newest full dump.
type fullDrill struct {
	BackupID   string  `json:"backup_id"`
	Passed     bool    `json:"passed"`
	Reason     string  `json:"reason,omitempty"`
	Tables     int     `json:"tables"`
	Rows       int64   `json:"rows"`
	RTOSeconds float64 `json:"rto_seconds"`
}

// drillFull restores the newest full dump into a scratch database with
// pg_restore --jobs (the dump verified first, every part authenticated),
// counts what came back, and drops the scratch database. No full dump yet
// is not a failure.
func (a *app) drillFull(ctx context.Context, store objstore.Store, keys seal.KeyLookup) (*fullDrill, error) {
	fulls, err := findBackups(ctx, a.repo(store, keys), backupLayout(a).KindPrefix("full"))
	if err != nil || len(fulls) == 0 {
		return nil, err
	}
	e := fulls[0]
	res := &fullDrill{BackupID: e.Manifest.BackupID}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	name := "arca_drill_full_" + hex.EncodeToString(suffix)
	target, err := stack.ScratchURL(ctx, a.cfg, name)
	if err != nil {
		return nil, err
	}
	defer a.dropScratch(name)

	bin, err := exec.LookPath("pg_restore")
	if a.cfg.Source.PGBinDir != "" {
		bin, err = filepath.Join(a.cfg.Source.PGBinDir, "pg_restore"), nil
	}
	if err != nil {
		return nil, fmt.Errorf("drill full: pg_restore: %w", err)
	}
	start := time.Now()
	obj, err := store.Get(ctx, e.Manifest.Object.Key, objstore.Range{})
	if err != nil {
		return nil, err
	}
	_, rerr := restore.Full(ctx, obj, e.Manifest, keys, restore.FullOptions{Database: target, PGRestore: bin, Jobs: 2, Args: []string{"--no-owner"}})
	_ = obj.Close() // read side: a close error loses nothing
	res.RTOSeconds = time.Since(start).Seconds()
	if rerr != nil {
		res.Reason = rerr.Error()
		return res, nil
	}
	conn, err := pgx.Connect(ctx, target)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r','p') AND n.nspname NOT IN ('pg_catalog','information_schema') ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		var n int64
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil {
			return nil, err
		}
		res.Rows += n
	}
	res.Tables = len(tables)
	res.Passed = res.Tables > 0
	if !res.Passed {
		res.Reason = "the restored dump holds no table"
	}
	return res, nil
}

func (a *app) dropScratch(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, a.cfg.Source.URL)
	if err != nil {
		a.log.Warn("scratch database not dropped", "db", name, "err", err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		a.log.Warn("scratch database not dropped", "db", name, "err", err)
	}
}
