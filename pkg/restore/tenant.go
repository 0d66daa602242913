package restore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5"
	metricnoop "go.opentelemetry.io/otel/metric/noop"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/tenancy"
)

// Tenant restores the tenant backup m, whose sealed object is read once from
// obj, into the database at dbURL, in one transaction that commits only
// after the whole object verified. On error nothing changed; the error wraps
// a *verify.Failure when the backup itself failed verification.
func Tenant(ctx context.Context, dbURL string, obj io.Reader, m backup.Manifest, keys seal.KeyLookup, opts Options) (Result, error) {
	start := time.Now()
	res, err := restoreTenant(ctx, dbURL, obj, m, keys, opts)
	res.Duration = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("restore tenant %s backup %s: %w", m.Tenant, m.BackupID, err)
	}
	return res, nil
}

// tenantRestore is the state of one tenant restore.
type tenantRestore struct {
	tx   pgx.Tx
	opts Options
	am   archive.Manifest
	res  *Result
	// work is the schema schema.sql creates (the tenant's own name); hold
	// is where ModeIntoSchema parked the live schema meanwhile.
	work, hold string
	// dest maps an archive table to the table its rows go to.
	dest    map[tableKey]pgx.Identifier
	replica bool
	tmp     int
	// plan is the tenant as the database held it before ModeReplace
	// deleted it; deleted maps a table to the temporary table holding the
	// rows deleted from it.
	plan       *tenancy.Plan
	ready      bool // ModeTarget's shared tables are in place
	deleted    map[tableKey]pgx.Identifier
	searchPath string // the session's own, put back after each pg_dump script
}

type tableKey struct{ schema, name string }

func restoreTenant(ctx context.Context, dbURL string, obj io.Reader, m backup.Manifest, keys seal.KeyLookup, opts Options) (Result, error) {
	res := Result{BackupID: m.BackupID, Tenant: m.Tenant, Mode: opts.Mode}
	if err := opts.Validate(); err != nil {
		return res, err
	}
	am, err := verify.TenantArchive(m)
	if err != nil {
		return res, err
	}
	cc, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return res, fmt.Errorf("connect: %w", err)
	}
	// A span per statement, under the restore's span (the global tracer
	// provider); statements only, never their parameters.
	cc.Tracer = otelpgx.NewTracer(otelpgx.WithMeterProvider(metricnoop.NewMeterProvider()), otelpgx.WithTrimSQLInSpanName(),
		otelpgx.WithDisableConnectionDetailsInAttributes())
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return res, fmt.Errorf("connect: %w", err)
	}
	// The connection is never reused: pg_dump's scripts change session
	// settings (search_path) that must not leak.
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.Begin(ctx)
	if err != nil {
		return res, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	j := &tenantRestore{tx: tx, opts: opts, am: am, res: &res, work: am.Tenant.Schema, dest: map[tableKey]pgx.Identifier{}, deleted: map[tableKey]pgx.Identifier{}}
	if err := tenancy.Bind(ctx, tx, am.Tenant.ID); err != nil {
		return res, err
	}
	// The plan's selections are deep semi-joins that JIT compiles for
	// seconds and runs in milliseconds.
	if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
		return res, fmt.Errorf("turn jit off: %w", err)
	}
	if err := j.prepare(ctx); err != nil {
		return res, err
	}
	s := verify.Open(ctx, obj, m, keys)
	defer s.Close()
	if err := j.load(ctx, s); err != nil {
		var f *verify.Failure
		if errors.As(err, &f) {
			return res, f // the archive reader wraps it; the backup's damage is the news
		}
		return res, err
	}
	if err := j.ensureTables(ctx); err != nil { // an archive of no file but the manifest
		return res, err
	}
	if err := s.Finish(); err != nil {
		return res, err
	}
	_, res.PlainBytes = s.Sizes()
	if err := j.finish(ctx); err != nil {
		return res, err
	}
	if err := tx.Commit(ctx); err != nil {
		return res, fmt.Errorf("commit: %w", err)
	}
	return res, nil
}

// prepare makes room for the tenant according to the mode.
func (j *tenantRestore) prepare(ctx context.Context) error {
	switch j.opts.Mode {
	case ModeReplace:
		if err := j.deleteTenant(ctx); err != nil {
			return err
		}
		return j.ensureSharedTables(ctx)
	case ModeTarget:
		if j.work != "" {
			if ok, err := schemaExists(ctx, j.tx, j.work); err != nil {
				return err
			} else if ok {
				return fmt.Errorf("schema %q already exists in the target: restore with %s there, or into another schema", j.work, ModeReplace)
			}
		}
		return nil // ensureTables, once the archive's shared DDL ran
	default:
		return j.prepareSideBySide(ctx)
	}
}

// ensureTables gives every shared table of the archive somewhere to go in
// ModeTarget, once the archive's shared DDL created what it could, and
// refuses a target already holding the tenant's rows.
func (j *tenantRestore) ensureTables(ctx context.Context) error {
	if j.opts.Mode != ModeTarget || j.ready {
		return nil
	}
	j.ready = true
	if err := j.ensureSharedTables(ctx); err != nil {
		return err
	}
	return j.refuseHeldRows(ctx)
}

// load walks the archive: pre-data DDL, each table's rows, post-data DDL.
func (j *tenantRestore) load(ctx context.Context, s *verify.Stream) error {
	ar := archive.NewReader(s, archive.WithManifest(j.am))
	for {
		e, err := ar.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.Name != archive.SharedSchemaFile {
			if err := j.ensureTables(ctx); err != nil {
				return err
			}
		}
		switch e.Name {
		case archive.SharedSchemaFile, archive.SharedPostSchemaFile:
			err = j.sharedDDL(ctx, e, e.Name)
		case archive.SchemaFile:
			err = j.preData(ctx, e)
		case archive.PostSchemaFile:
			err = j.postData(ctx, e)
		default:
			err = j.tableData(ctx, e)
		}
		if err != nil {
			return err
		}
	}
}

// finish checks what replica mode skipped and puts schemas in place.
func (j *tenantRestore) finish(ctx context.Context) error {
	if err := j.keepShared(ctx); err != nil {
		return err
	}
	if err := j.setReplica(ctx, false); err != nil {
		return err
	}
	j.res.summarize()
	if j.opts.Mode == ModeIntoSchema {
		return j.swapSchemas(ctx)
	}
	if j.work != "" {
		j.res.Schema = j.work
	}
	if err := j.checkDangling(ctx); err != nil {
		return err
	}
	return j.checkForeignKeys(ctx)
}

// setReplica switches trigger firing for the rest of the transaction.
func (j *tenantRestore) setReplica(ctx context.Context, on bool) error {
	if j.replica == on {
		return nil
	}
	role := "origin"
	if on {
		role = "replica"
	}
	if _, err := j.tx.Exec(ctx, "SET LOCAL session_replication_role = "+role); err != nil {
		return fmt.Errorf("set session_replication_role %s (needs superuser or GRANT SET ON PARAMETER): %w", role, err)
	}
	j.replica = on
	return nil
}

func schemaExists(ctx context.Context, tx pgx.Tx, name string) (bool, error) {
	var ok bool
	err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)", name).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("look up schema %q: %w", name, err)
	}
	return ok, nil
}
