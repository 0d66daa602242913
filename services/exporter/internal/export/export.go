package export

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/copyout"
	"github.com/arcabackup/arca/services/exporter/internal/pgdump"
	"github.com/arcabackup/arca/services/exporter/internal/snapshot"
)

// Tenant writes the archive of one tenant to w and returns its manifest
// (also the archive's last entry). Nothing of the tenant's data is logged.
func Tenant(ctx context.Context, cfg Config, tenantID string, w io.Writer) (archive.Manifest, error) {
	m, err := exportTenant(ctx, cfg, tenantID, w)
	if err != nil {
		return archive.Manifest{}, fmt.Errorf("export tenant %s: %w", tenantID, err)
	}
	return m, nil
}

func exportTenant(ctx context.Context, cfg Config, tenantID string, w io.Writer) (archive.Manifest, error) {
	if err := cfg.Validate(); err != nil {
		return archive.Manifest{}, err
	}
	release, err := cfg.Limiter.Acquire(ctx)
	if err != nil {
		return archive.Manifest{}, err
	}
	defer release()

	// The fingerprint is read under the snapshot, before anything the
	// cache may answer: what it keys was read under an equal catalog.
	conn, tx, snap, fp, tenant, err := begin(ctx, cfg, tenantID)
	if err != nil {
		return archive.Manifest{}, err
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
		cfg.Sessions.Put(conn, cfg.Source, committed)
	}()

	plan, err := discover(ctx, cfg, tx, fp, tenant)
	if err != nil {
		return archive.Manifest{}, err
	}
	aw := archive.NewWriter(w, archive.WithChunkSize(cfg.ChunkSize), archive.WithModTime(snap.Time))

	// pg_dump is looked for (a process or two) only when it runs.
	var bin pgdump.Binary
	findBin := func() (pgdump.Binary, error) {
		if bin.Path == "" {
			b, err := pgdump.Find(ctx, cfg.PGBinDir, snap.ServerMajor)
			if err != nil {
				return pgdump.Binary{}, err
			}
			bin = b
		}
		return bin, nil
	}
	shared := sharedSchemas(plan)
	if err := sharedSection(ctx, cfg, aw, findBin, fp, shared, snap.ID, "pre-data", archive.SharedSchemaFile, nil); err != nil {
		return archive.Manifest{}, err
	}
	if tenant.Schema != "" {
		bin, err := findBin()
		if err != nil {
			return archive.Manifest{}, err
		}
		if _, err := dumpSchema(ctx, cfg, aw, bin, tenant.Schema, snap.ID, "pre-data", archive.SchemaFile, nil); err != nil {
			return archive.Manifest{}, err
		}
	}
	jobs := make([]copyout.Job, len(plan.Tables))
	for i, t := range plan.Tables {
		jobs[i] = copyout.Job{Table: t, File: archive.DataFileName(i+1, t.Schema, t.Name)}
	}
	if err := findReferences(ctx, tx, tenant, plan, jobs); err != nil {
		return archive.Manifest{}, err
	}
	connect := func(ctx context.Context) (*pgx.Conn, error) {
		conn, _, err := cfg.Sessions.Get(ctx, cfg.Source)
		return conn, err
	}
	keep := func(conn *pgx.Conn, clean bool) { cfg.Sessions.Put(conn, cfg.Source, clean) }
	files, err := copyout.Run(ctx, connect, snap.ID, tenant.ID, jobs, aw, copyout.Options{Parallelism: cfg.Parallelism, ChunkSize: cfg.ChunkSize, Release: keep})
	if err != nil {
		return archive.Manifest{}, err
	}
	if err := checkOwnsRows(tenant, plan, files); err != nil {
		return archive.Manifest{}, err
	}
	seqs := func(w io.Writer) error { return cachedSharedSequenceValues(ctx, cfg, tx, fp, shared, w) }
	if err := sharedSection(ctx, cfg, aw, findBin, fp, shared, snap.ID, "post-data", archive.SharedPostSchemaFile, seqs); err != nil {
		return archive.Manifest{}, err
	}
	if tenant.Schema != "" {
		bin, err := findBin()
		if err != nil {
			return archive.Manifest{}, err
		}
		seqs := func(w io.Writer) error { return sequenceValues(ctx, tx, tenant.Schema, w) }
		if _, err := dumpSchema(ctx, cfg, aw, bin, tenant.Schema, snap.ID, "post-data", archive.PostSchemaFile, seqs); err != nil {
			return archive.Manifest{}, err
		}
	}
	m, err := aw.Close(manifest(cfg, snap, tenant, jobs, files))
	if err != nil {
		return archive.Manifest{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return archive.Manifest{}, fmt.Errorf("end snapshot: %w", err)
	}
	committed = true
	return m, nil
}

// begin opens the export's coordinating session and snapshot, and reads
// under it the catalog's fingerprint (with a Cache) and the tenant, in the
// snapshot's round trip. A kept session (Config.Sessions) that the server
// has closed meanwhile (a restart, a terminated backend) fails on its first
// statement: it is dropped and the next one tried, until a new one is
// connected.
func begin(ctx context.Context, cfg Config, tenantID string) (*pgx.Conn, pgx.Tx, snapshot.Snapshot, string, tenancy.Tenant, error) {
	for {
		conn, reused, err := cfg.Sessions.Get(ctx, cfg.Source)
		if err != nil {
			return nil, nil, snapshot.Snapshot{}, "", tenancy.Tenant{}, err
		}
		tx, snap, fp, tenant, err := beginOn(ctx, cfg, conn, tenantID)
		if err == nil {
			return conn, tx, snap, fp, tenant, nil
		}
		dead := conn.IsClosed()
		cfg.Sessions.Put(conn, cfg.Source, false)
		if !reused || !dead || ctx.Err() != nil {
			return nil, nil, snapshot.Snapshot{}, "", tenancy.Tenant{}, err
		}
	}
}

func beginOn(ctx context.Context, cfg Config, conn *pgx.Conn, tenantID string) (pgx.Tx, snapshot.Snapshot, string, tenancy.Tenant, error) {
	var fpSQL, fpVersion string
	if cfg.Cache != nil {
		var err error
		if fpSQL, fpVersion, err = cfg.Cache.statement(ctx, conn); err != nil {
			return nil, snapshot.Snapshot{}, "", tenancy.Tenant{}, err
		}
	}
	var parts []fingerprintPart
	var tenant tenancy.Tenant
	tx, snap, err := snapshot.BeginWith(ctx, conn, func(b *pgx.Batch) {
		if fpSQL != "" {
			b.Queue(fpSQL)
		}
		b.Queue(cfg.Tenancy.WithDefaults().TenantsQuery)
	}, func(br pgx.BatchResults) error {
		if fpSQL != "" {
			rows, err := br.Query()
			if err == nil {
				parts, err = pgx.CollectRows(rows, pgx.RowToStructByPos[fingerprintPart])
			}
			if err != nil {
				cfg.Cache.forget(fpVersion)
				return fmt.Errorf("catalog fingerprint: %w", err)
			}
		}
		var err error
		tenant, err = tenancy.LookupTenant(ctx, batchQuerier{br}, cfg.Tenancy, tenantID)
		return err
	})
	if err != nil {
		return nil, snapshot.Snapshot{}, "", tenancy.Tenant{}, err
	}
	var fp string
	switch {
	case fpSQL == "":
	case fpVersion == snap.ServerVersion:
		fp = fingerprintOf(parts, snap.Database, snap.ServerVersion)
	default:
		// Another server behind the same address: its own catalogs.
		cfg.Cache.forget(fpVersion)
		if fp, err = cfg.Cache.catalogFingerprint(ctx, tx, snap.Database, snap.ServerVersion); err != nil {
			_ = tx.Rollback(ctx)
			return nil, snapshot.Snapshot{}, "", tenancy.Tenant{}, err
		}
	}
	return tx, snap, fp, tenant, nil
}

// batchQuerier hands the next result of a batch to a function that runs
// one query (the one queued for it).
type batchQuerier struct{ br pgx.BatchResults }

func (q batchQuerier) Query(context.Context, string, ...any) (pgx.Rows, error) { return q.br.Query() }

// findReferences finds the reference rows of every reference table of the
// plan in one statement, as a batch of one (Plan.BatchReferences), and has
// each reference job read its rows by id: the per-table closures (each
// table's Where) rescanned the closure's largest tables once per reference
// table. The rows are found under the export's snapshot, which every copy
// session joins, so the ids name the same row versions there.
func findReferences(ctx context.Context, tx pgx.Tx, tenant tenancy.Tenant, plan *tenancy.Plan, jobs []copyout.Job) error {
	if plan.BatchReferences == "" {
		return nil
	}
	refs, err := tenancy.BindAndFindReferences(ctx, tx, []string{tenant.ID}, plan)
	if err != nil {
		return err
	}
	k := 0
	for i, t := range plan.Tables {
		if t.Role == tenancy.RoleReference {
			jobs[i].ByRowID, jobs[i].Rows = true, refs[k]
			k++
		}
	}
	return nil
}

// manifest describes the export; the archive writer fills in the files.
func manifest(cfg Config, snap snapshot.Snapshot, tenant tenancy.Tenant, jobs []copyout.Job, files []archive.File) archive.Manifest {
	m := archive.Manifest{
		FormatVersion: archive.FormatVersion,
		ToolVersion:   cfg.ToolVersion,
		Kind:          archive.KindTenant,
		Tenant:        archive.Tenant{ID: tenant.ID, Schema: tenant.Schema},
		Source:        archive.Source{Database: snap.Database, ServerVersion: snap.ServerVersion, Replica: snap.Replica},
		Snapshot:      archive.Snapshot{ID: snap.ID, Time: snap.Time.UTC(), WALLSN: snap.WALLSN},
		CreatedAt:     time.Now().UTC(),
	}
	for i, j := range jobs {
		t := archive.Table{Schema: j.Table.Schema, Name: j.Table.Name, Role: string(j.Table.Role), File: j.File,
			Rows: files[i].Rows, Selection: j.Table.Where, Cycle: j.Table.Cycle, SelfRef: j.Table.SelfRef}
		for _, c := range j.Table.Columns {
			t.Columns = append(t.Columns, archive.Column{Name: c.Name, Type: c.Type})
		}
		m.Tables = append(m.Tables, t)
	}
	return m
}

// checkOwnsRows refuses an export that owns no row at all: with the tenant
// table configured even a new tenant owns its registry row, so an empty
// plan means the tenancy configuration does not match the schema.
func checkOwnsRows(tenant tenancy.Tenant, plan *tenancy.Plan, files []archive.File) error {
	if tenant.Schema != "" {
		return nil // a schema of empty tables is still the tenant's
	}
	for i, t := range plan.Tables {
		if t.Role.Owned() && files[i].Rows > 0 {
			return nil
		}
	}
	return fmt.Errorf("%w: it selects no row of the tenant (%d tables): check tenant_table and tenant_columns in the tenancy configuration", tenancy.ErrEmptyPlan, len(plan.Tables))
}
