package service

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
)

// planRestore says what a console restore would do: the backup's tables
// and rows from its manifest and, for a replace, the live rows the restore
// deletes first, counted with the discovery the restore itself runs, in a
// read-only transaction.
func (o bucketOps) planRestore(ctx context.Context, r RestoreJob) (RestorePlan, error) {
	var p RestorePlan
	if r.Kind != "tenant" {
		return p, fmt.Errorf("plan restore %s: only tenant backups restore through the console", r.BackupID)
	}
	_, m, err := o.manifest(ctx, r)
	if err != nil {
		return p, err
	}
	var am archive.Manifest
	if err := json.Unmarshal(m.Export, &am); err != nil {
		return p, fmt.Errorf("plan restore %s: archive manifest: %w", r.BackupID, err)
	}
	index := map[string]int{}
	for _, t := range am.Tables {
		index[t.Schema+"."+t.Name] = len(p.Tables)
		p.Tables = append(p.Tables, PlanTable{Schema: t.Schema, Name: t.Name, Role: t.Role, Rows: t.Rows})
	}
	if r.Mode != RestoreReplace {
		return p, nil
	}
	conn, err := pgx.Connect(ctx, o.cfg.SourceURL)
	if err != nil {
		return p, fmt.Errorf("plan restore %s: %w", r.BackupID, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	err = pgx.BeginTxFunc(ctx, conn, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		cfg := o.cfg.Tenancy
		tenant, err := tenancy.LookupTenant(ctx, tx, cfg, r.Tenant)
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
				p.Tables = append(p.Tables, PlanTable{Schema: t.Schema, Name: t.Name, Role: string(t.Role)})
			}
			p.Tables[i].Deletes = n
		}
		return nil
	})
	if err != nil {
		return p, fmt.Errorf("plan restore %s: %w", r.BackupID, err)
	}
	return p, nil
}
