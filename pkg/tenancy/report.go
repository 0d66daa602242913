package tenancy

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
)

// Report is what `arca tenancy plan` shows: each tenant's plan with the rows
// it would select, the rows of owned tables that two tenants own or that no
// tenant owns, and the warnings. It holds names and counts, never row data.
type Report struct {
	Tenants []TenantReport `json:"tenants"`
	// Shared counts, per owned table, rows that two or more tenants own: a
	// --replace of either tenant restores them.
	Shared []TableCount `json:"shared_rows,omitempty"`
	// Unowned counts, per owned table, rows no tenant owns (global rows,
	// orphans left by a deleted tenant).
	Unowned  []TableCount `json:"unowned_rows,omitempty"`
	Warnings []string     `json:"warnings,omitempty"`
}

// TenantReport is one tenant's plan.
type TenantReport struct {
	ID     string        `json:"id"`
	Schema string        `json:"schema,omitempty"`
	Tables []TableReport `json:"tables,omitempty"`
	// Error says why the tenant cannot be backed up as configured.
	Error string `json:"error,omitempty"`
}

// TableReport is one table of a plan.
type TableReport struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	Role   Role   `json:"role"`
	Path   string `json:"path"`
	Rows   int64  `json:"rows"`
}

// TableCount is a number of rows of one table; Tenants names the tenants
// concerned (for shared rows).
type TableCount struct {
	Table   string   `json:"table"`
	Rows    int64    `json:"rows"`
	Tenants []string `json:"tenants,omitempty"`
}

// Tx is what Inspect needs: queries and statements in one transaction.
type Tx interface {
	Querier
	Execer
}

// Inspect builds the report for every tenant the tenants query lists (so
// that shared and unowned rows are known), listing the tables of only, if
// set. Run it in one transaction; it binds each tenant in turn. An unknown
// only is ErrUnknownTenant.
func Inspect(ctx context.Context, tx Tx, cfg Config, only string) (*Report, error) {
	tenants, err := ListTenants(ctx, tx, cfg)
	if err != nil {
		return nil, err
	}
	if only != "" {
		found := false
		for _, t := range tenants {
			found = found || t.ID == only
		}
		if !found {
			return nil, fmt.Errorf("tenancy plan: tenant %q: %w", only, ErrUnknownTenant)
		}
	}
	if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
		return nil, fmt.Errorf("tenancy plan: %w", err)
	}
	r := &Report{}
	owners := map[string]map[string][]string{} // table -> row -> owning tenants
	warned := map[string]bool{}
	for _, t := range tenants {
		tr, err := inspectTenant(ctx, tx, cfg, t, owners)
		if err != nil {
			return nil, err
		}
		if only == "" || t.ID == only {
			r.Tenants = append(r.Tenants, tr.TenantReport)
		}
		for _, w := range tr.warnings {
			if !warned[w] {
				warned[w] = true
				r.Warnings = append(r.Warnings, w)
			}
		}
	}
	if err := r.count(ctx, tx, owners); err != nil {
		return nil, err
	}
	return r, nil
}

type tenantResult struct {
	TenantReport
	warnings []string
}

func inspectTenant(ctx context.Context, tx Tx, cfg Config, t Tenant, owners map[string]map[string][]string) (tenantResult, error) {
	tr := tenantResult{TenantReport: TenantReport{ID: t.ID, Schema: t.Schema}}
	p, err := Discover(ctx, tx, cfg, t)
	if err != nil {
		tr.Error = err.Error()
		return tr, nil
	}
	tr.warnings = p.Warnings
	if err := Bind(ctx, tx, t.ID); err != nil {
		return tr, err
	}
	var owned int64
	for _, tab := range p.Tables {
		ident := tab.Identifier().Sanitize()
		rows, err := tx.Query(ctx, "SELECT t.tableoid::regclass::text || t.ctid::text FROM "+ident+" AS t WHERE "+tab.Where)
		if err != nil {
			return tr, fmt.Errorf("tenancy plan: tenant %s table %s: %w", t.ID, ident, err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return tr, fmt.Errorf("tenancy plan: tenant %s table %s: %w", t.ID, ident, err)
		}
		tr.Tables = append(tr.Tables, TableReport{Schema: tab.Schema, Name: tab.Name, Role: tab.Role, Path: tab.Path, Rows: int64(len(ids))})
		if tab.Role.Owned() {
			owned += int64(len(ids))
			if owners[ident] == nil {
				owners[ident] = map[string][]string{}
			}
			for _, id := range ids {
				owners[ident][id] = append(owners[ident][id], t.ID)
			}
		}
	}
	if owned == 0 && t.Schema == "" {
		tr.Error = "the plan selects no row of the tenant: check tenant_table and tenant_columns"
	}
	return tr, nil
}

// count fills Shared and Unowned from the owners of each owned table's rows.
func (r *Report) count(ctx context.Context, tx Tx, owners map[string]map[string][]string) error {
	tables := make([]string, 0, len(owners))
	for t := range owners {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, ident := range tables {
		var total int64
		if err := QueryOne(ctx, tx, "SELECT count(*) FROM "+ident, &total); err != nil {
			return fmt.Errorf("tenancy plan: count %s: %w", ident, err)
		}
		var shared int64
		seen := map[string]bool{}
		var names []string
		for _, ts := range owners[ident] {
			if len(ts) < 2 {
				continue
			}
			shared++
			for _, id := range ts {
				if !seen[id] {
					seen[id] = true
					names = append(names, id)
				}
			}
		}
		if shared > 0 {
			sort.Strings(names)
			r.Shared = append(r.Shared, TableCount{Table: ident, Rows: shared, Tenants: names})
		}
		if none := total - int64(len(owners[ident])); none > 0 {
			r.Unowned = append(r.Unowned, TableCount{Table: ident, Rows: none})
		}
	}
	return nil
}

// InspectSource connects to the source database and runs Inspect in one
// read-only, repeatable-read transaction (`arca tenancy plan`).
func InspectSource(ctx context.Context, sourceURL string, cfg Config, only string) (*Report, error) {
	conn, err := pgx.Connect(ctx, sourceURL)
	if err != nil {
		return nil, fmt.Errorf("tenancy plan: %w", err)
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }() // read-only: nothing to lose
	var r *Report
	err = pgx.BeginTxFunc(ctx, conn, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		r, err = Inspect(ctx, tx, cfg, only)
		return err
	})
	return r, err
}

// Err names every tenant whose plan failed (one that selects nothing
// included), or is nil.
func (r *Report) Err() error {
	var errs []error
	for _, t := range r.Tenants {
		if t.Error != "" {
			errs = append(errs, fmt.Errorf("tenant %s: %s", t.ID, t.Error))
		}
	}
	return errors.Join(errs...)
}
