package restore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/tenancy"
)

// Plan is what a tenant restore would do, table by table, for a person to
// confirm before it runs.
type Plan struct {
	Tables []PlannedTable
	// Schema is the tenant's own schema, which a replace drops and
	// restores whole; empty for tenants without one (or not a replace).
	Schema string
}

// PlannedTable is one table of a Plan.
type PlannedTable struct {
	Schema, Name string
	Role         string // how the tenant's rows belong to it (tenancy roles)
	Rows         int64  // what the backup holds: the rows the restore writes
	Deletes      int64  // for a replace, the live rows deleted first
}

// PlanTenant says what restoring the tenant backup m would do: its tables
// and rows from the manifest and, when replace is set, the live rows of
// the database at dbURL that the restore deletes first, counted with the
// discovery the restore itself runs, in a read-only transaction. Nothing
// is written.
func PlanTenant(ctx context.Context, dbURL string, m backup.Manifest, cfg tenancy.Config, replace bool) (Plan, error) {
	var p Plan
	if m.Kind != "tenant" {
		return p, fmt.Errorf("plan restore %s: a %s backup, not a tenant backup", m.BackupID, m.Kind)
	}
	var am archive.Manifest
	if err := json.Unmarshal(m.Export, &am); err != nil {
		return p, fmt.Errorf("plan restore %s: archive manifest: %w", m.BackupID, err)
	}
	index := map[string]int{}
	for _, t := range am.Tables {
		index[t.Schema+"."+t.Name] = len(p.Tables)
		p.Tables = append(p.Tables, PlannedTable{Schema: t.Schema, Name: t.Name, Role: t.Role, Rows: t.Rows})
	}
	if !replace {
		return p, nil
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return p, fmt.Errorf("plan restore %s: %w", m.BackupID, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	err = pgx.BeginTxFunc(ctx, conn, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		tenant, err := tenancy.LookupTenant(ctx, tx, cfg, m.Tenant)
		if err != nil {
			return err
		}
		plan, err := tenancy.Discover(ctx, tx, cfg, tenant)
		if err != nil {
			return err
		}
		if err := tenancy.Bind(ctx, tx, tenant.ID); err != nil {
			return err
		}
		p.Schema = tenant.Schema
		for _, t := range plan.Tables {
			if !t.Role.Owned() && t.Role != tenancy.RoleSchemaTable {
				continue // reference rows are never deleted
			}
			var n int64
			if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+t.Identifier().Sanitize()+" AS t WHERE "+t.Where).Scan(&n); err != nil {
				return fmt.Errorf("count %s.%s: %w", t.Schema, t.Name, err)
			}
			i, ok := index[t.Schema+"."+t.Name]
			if !ok {
				i = len(p.Tables)
				p.Tables = append(p.Tables, PlannedTable{Schema: t.Schema, Name: t.Name, Role: string(t.Role)})
			}
			p.Tables[i].Deletes = n
		}
		return nil
	})
	if err != nil {
		return p, fmt.Errorf("plan restore %s: %w", m.BackupID, err)
	}
	return p, nil
}
