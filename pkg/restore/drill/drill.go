package drill

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/fingerprint"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/tenancy"
)

// Run drills the configured sample of tenants, one scratch database each,
// one after the other. A tenant that fails is recorded in the report (which
// then does not pass); the error is for a drill that could not run at all.
func Run(ctx context.Context, src Source, cfg Config) (Report, error) {
	if err := cfg.Validate(); err != nil {
		return Report{}, fmt.Errorf("drill: %w", err)
	}
	rep := Report{StartedAt: time.Now().UTC(), Passed: true}
	for _, tenant := range cfg.sample() {
		tr := drillTenant(ctx, src, cfg, tenant)
		rep.Passed = rep.Passed && tr.Passed
		rep.Tenants = append(rep.Tenants, tr)
		if ctx.Err() != nil {
			rep.FinishedAt = time.Now().UTC()
			return rep, fmt.Errorf("drill: %w", ctx.Err())
		}
	}
	rep.FinishedAt = time.Now().UTC()
	return rep, nil
}

func drillTenant(ctx context.Context, src Source, cfg Config, tenant string) TenantReport {
	tr := TenantReport{Tenant: tenant}
	err := drillOne(ctx, src, cfg, &tr)
	tr.RTOSeconds = tr.RTO.Seconds()
	if err != nil {
		tr.Passed, tr.Reason = false, err.Error()
		var f *verify.Failure
		if errors.As(err, &f) {
			tr.Stage, tr.File = string(f.Stage), f.File
			if f.Part >= 0 {
				tr.Part = &f.Part
			}
		}
		return tr
	}
	tr.Passed = true
	return tr
}

func drillOne(ctx context.Context, src Source, cfg Config, tr *TenantReport) (err error) {
	m, err := src.Latest(ctx, tr.Tenant)
	if err != nil {
		return fmt.Errorf("find newest backup: %w", err)
	}
	tr.BackupID = m.BackupID
	am, err := verify.TenantArchive(m)
	if err != nil {
		return err
	}
	db, err := newScratch(ctx, cfg.AdminURL)
	if err != nil {
		return err
	}
	defer func() {
		if derr := db.drop(context.WithoutCancel(ctx)); derr != nil && err == nil {
			err = derr
		}
	}()
	start := time.Now()
	res, err := restoreInto(ctx, src, m, db.url, cfg)
	tr.RTO, tr.PlainBytes, tr.Warnings = time.Since(start), res.PlainBytes, res.Warnings
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, db.url)
	if err != nil {
		return fmt.Errorf("connect scratch database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if tr.Tables, err = checkTables(ctx, conn, am); err != nil {
		return err
	}
	tr.Smoke = smoke(ctx, conn, am.Tenant.ID, cfg.Smoke)
	var bad []error
	for _, t := range tr.Tables {
		if !t.OK {
			bad = append(bad, fmt.Errorf("table %s.%s has %d rows, manifest says %d", t.Schema, t.Name, t.Got, t.Want))
		}
	}
	for _, s := range tr.Smoke {
		if !s.OK {
			bad = append(bad, fmt.Errorf("smoke query %s: %s", s.Name, s.Error))
		}
	}
	return errors.Join(bad...)
}

func restoreInto(ctx context.Context, src Source, m backup.Manifest, dbURL string, cfg Config) (restore.Result, error) {
	obj, err := src.Open(ctx, m)
	if err != nil {
		return restore.Result{}, fmt.Errorf("open backup %s: %w", m.BackupID, err)
	}
	defer func() { _ = obj.Close() }() // read side: a close error loses nothing
	return restore.Tenant(ctx, dbURL, obj, m, cfg.Keys, restore.Options{Mode: restore.ModeTarget, Tenancy: cfg.Tenancy})
}

// checkTables counts and fingerprints every restored table. A table can
// appear in the manifest under two roles (a nullable tenant column: owned
// rows and global reference rows); the scratch database holds both.
func checkTables(ctx context.Context, conn *pgx.Conn, am archive.Manifest) ([]TableCheck, error) {
	var out []TableCheck
	index := map[[2]string]int{}
	for _, t := range am.Tables {
		key := [2]string{t.Schema, t.Name}
		if i, ok := index[key]; ok {
			out[i].Want += t.Rows
			continue
		}
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = c.Name
		}
		fp, err := fingerprint.Table(ctx, conn, t.Schema, t.Name, cols, "")
		if err != nil {
			return nil, err
		}
		index[key] = len(out)
		out = append(out, TableCheck{Schema: t.Schema, Name: t.Name, Want: t.Rows, Got: fp.Rows, Fingerprint: fp})
	}
	for i := range out {
		out[i].OK = out[i].Got == out[i].Want
	}
	return out, nil
}

// smoke runs each query in a read-only transaction with the tenant bound.
func smoke(ctx context.Context, conn *pgx.Conn, tenant string, queries []SmokeQuery) []SmokeResult {
	out := make([]SmokeResult, 0, len(queries))
	for _, q := range queries {
		r := SmokeResult{Name: q.Name}
		err := pgx.BeginTxFunc(ctx, conn, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			if err := tenancy.Bind(ctx, tx, tenant); err != nil {
				return err
			}
			return tenancy.QueryOne(ctx, tx, q.SQL)
		})
		r.OK = err == nil
		if err != nil {
			r.Error = err.Error()
		}
		out = append(out, r)
	}
	return out
}
