package tenancy

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ErrUnknownTenant is returned for an id the tenants query does not list.
var ErrUnknownTenant = errors.New("unknown tenant")

// ErrEmptyPlan means the tenancy configuration selects nothing of a
// tenant: no table is owned, or no row. Retrying cannot fix it.
var ErrEmptyPlan = errors.New("the plan selects nothing of the tenant")

// Querier is what discovery needs of a connection or transaction; run it in
// the export's snapshot so the catalog and the rows agree.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Tenant is one tenant as the tenants query lists it.
type Tenant struct {
	ID string
	// Schema is the tenant's own schema, empty for column-model tenants.
	Schema string
}

// ListTenants runs the configured tenants query.
func ListTenants(ctx context.Context, q Querier, cfg Config) ([]Tenant, error) {
	cfg = cfg.WithDefaults()
	rows, err := q.Query(ctx, cfg.TenantsQuery)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	defer rows.Close()
	n := len(rows.FieldDescriptions())
	if n == 0 { // the query failed before describing its result
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("list tenants: %w", err)
		}
	}
	if n != 1 && n != 2 {
		return nil, fmt.Errorf("list tenants: query returns %d columns, want id and optionally schema", n)
	}
	var out []Tenant
	for rows.Next() {
		var id, schema *string
		dest := []any{&id, &schema}[:n]
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("list tenants: %w (cast the id to text)", err)
		}
		if id == nil || *id == "" {
			continue
		}
		t := Tenant{ID: *id}
		if schema != nil {
			t.Schema = *schema
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return out, nil
}

// LookupTenant finds one tenant by exact id.
func LookupTenant(ctx context.Context, q Querier, cfg Config, id string) (Tenant, error) {
	all, err := ListTenants(ctx, q, cfg)
	if err != nil {
		return Tenant{}, err
	}
	for _, t := range all {
		if t.ID == id {
			return t, nil
		}
	}
	return Tenant{}, fmt.Errorf("lookup tenant %q: %w", id, ErrUnknownTenant)
}

// TenantIDs connects to the source database and lists its tenants' IDs.
func TenantIDs(ctx context.Context, sourceURL string, cfg Config) ([]string, error) {
	conn, err := pgx.Connect(ctx, sourceURL)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	ts, err := ListTenants(ctx, conn, cfg)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	return ids, nil
}
