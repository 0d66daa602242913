package tenancy

import (
	"context"
	"fmt"
	"slices"
	"sort"
)

// entry is one table in one role while discovery builds the plan.
type entry struct {
	rel   *relation
	role  Role
	depth int     // hops from a tenant-owned table (owned) or from an exported table (reference)
	col   *Column // the tenant column, for tenant-owned tables
}

// discovery holds the state of one Discover call.
type discovery struct {
	cfg   Config
	cat   *catalog
	owned map[uint32]*entry // schema-table, tenant-owned, fk-owned
	refs  map[uint32]*entry // reference
	n     int               // fresh alias counter
}

// Discover reads the catalog through q (run it inside the export's snapshot)
// and returns what to export for tenant, in restore order.
func Discover(ctx context.Context, q Querier, cfg Config, tenant Tenant) (*Plan, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("discover tenant %s: %w", tenant.ID, err)
	}
	cfg = cfg.WithDefaults()
	if slices.Contains(cfg.SharedSchemas, tenant.Schema) {
		return nil, fmt.Errorf("discover tenant %s: its schema %q is configured as shared", tenant.ID, tenant.Schema)
	}
	schemas := slices.Clone(cfg.SharedSchemas)
	if tenant.Schema != "" {
		schemas = append(schemas, tenant.Schema)
	}
	cat, err := loadCatalog(ctx, q, schemas, tenant.Schema)
	if err != nil {
		return nil, fmt.Errorf("discover tenant %s: %w", tenant.ID, err)
	}
	if !cat.schemaOK {
		return nil, fmt.Errorf("discover tenant %s: schema %q does not exist", tenant.ID, tenant.Schema)
	}
	d := &discovery{cfg: cfg, cat: cat, owned: map[uint32]*entry{}, refs: map[uint32]*entry{}}
	d.exclude()
	d.classifyOwned(tenant.Schema)
	d.spreadOwnership()
	d.findReferences()
	return &Plan{Tenant: tenant, Tables: d.tables(), Warnings: cat.outside}, nil
}

// exclude drops configured tables and the foreign keys touching them.
func (d *discovery) exclude() {
	for oid, r := range d.cat.rels {
		if d.cfg.excluded(r.schema, r.name) {
			delete(d.cat.rels, oid)
		}
	}
	d.cat.order = slices.DeleteFunc(d.cat.order, func(oid uint32) bool { return d.cat.rels[oid] == nil })
	d.cat.fks = slices.DeleteFunc(d.cat.fks, func(fk foreignKey) bool {
		return d.cat.rels[fk.child] == nil || d.cat.rels[fk.parent] == nil
	})
	sort.SliceStable(d.cat.fks, func(i, j int) bool {
		a, b := d.cat.rels[d.cat.fks[i].child], d.cat.rels[d.cat.fks[j].child]
		if a.schema != b.schema {
			return a.schema < b.schema
		}
		return a.name < b.name
	})
}

// classifyOwned marks the tables of the tenant's schema and the shared
// tables carrying a tenant column.
func (d *discovery) classifyOwned(tenantSchema string) {
	for _, oid := range d.cat.order {
		r := d.cat.rels[oid]
		if tenantSchema != "" && r.schema == tenantSchema {
			d.owned[oid] = &entry{rel: r, role: RoleSchemaTable}
			continue
		}
		for _, name := range d.cfg.TenantColumns {
			if col, ok := r.column(name); ok {
				d.owned[oid] = &entry{rel: r, role: RoleTenantOwned, col: &col}
				break
			}
		}
	}
}

// spreadOwnership adds shared tables reachable from owned rows through
// foreign keys, breadth first, so each gets its shortest depth.
func (d *discovery) spreadOwnership() {
	for depth := 1; ; depth++ {
		var found []uint32
		for _, fk := range d.cat.fks {
			p, ok := d.owned[fk.parent]
			if !ok || p.depth != depth-1 || d.owned[fk.child] != nil || slices.Contains(found, fk.child) {
				continue
			}
			found = append(found, fk.child)
		}
		if len(found) == 0 {
			return
		}
		for _, oid := range found {
			d.owned[oid] = &entry{rel: d.cat.rels[oid], role: RoleFKOwned, depth: depth}
		}
	}
}

// findReferences adds shared rows that exported rows point at: tables owned
// by no tenant, and the NULL-tenant rows of tables with a nullable tenant
// column.
func (d *discovery) findReferences() {
	for depth := 1; ; depth++ {
		var found []uint32
		for _, fk := range d.cat.fks {
			if fk.child == fk.parent || d.refs[fk.parent] != nil || slices.Contains(found, fk.parent) {
				continue
			}
			if o := d.owned[fk.parent]; o != nil && (o.role != RoleTenantOwned || o.col.NotNull) {
				continue
			}
			if d.refDepth(fk.child) != depth-1 {
				continue
			}
			found = append(found, fk.parent)
		}
		if len(found) == 0 {
			return
		}
		for _, oid := range found {
			d.refs[oid] = &entry{rel: d.cat.rels[oid], role: RoleReference, depth: depth}
		}
	}
}

// refDepth is the reference depth of a table's rows: 0 for owned tables,
// the BFS level for reference tables, -1 when not exported.
func (d *discovery) refDepth(oid uint32) int {
	if d.owned[oid] != nil {
		return 0
	}
	if r := d.refs[oid]; r != nil {
		return r.depth
	}
	return -1
}
