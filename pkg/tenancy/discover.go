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
	col   *Column // the tenant column (tenant-owned) or the key (tenant-row)
	via   string  // the foreign key that first reached the table, for the plan's path
}

// discovery holds the state of one Discover call.
type discovery struct {
	cfg    Config
	cat    *catalog
	owned  map[uint32]*entry // tenant-row, schema-table, tenant-owned, fk-owned
	refs   map[uint32]*entry // reference
	scc    []int             // ownership-graph component of each relation, by order index
	refSCC []int             // reference-graph component of each relation, by order index
	pos    map[uint32]int    // relation's index in cat.order
	n      int               // fresh alias counter
	batch  bool              // nodes carry the batch index (batch.go)
	// refsOrder are the reference entries in plan order (batch.go).
	refsOrder []*entry
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
	if err := d.classifyOwned(tenant.Schema); err != nil {
		return nil, fmt.Errorf("discover tenant %s: %w", tenant.ID, err)
	}
	if len(d.owned) == 0 {
		return nil, fmt.Errorf("discover tenant %s: %w: it owns no table: no tenant_table, no table of schemas %v with a tenant column %v, no tenant schema; check the tenancy configuration",
			tenant.ID, ErrEmptyPlan, cfg.SharedSchemas, cfg.TenantColumns)
	}
	d.spreadOwnership()
	d.components()
	d.findReferences()
	d.refComponents()
	p := &Plan{Tenant: tenant, Tables: d.tables()}
	p.BatchReferences = d.batchReferences()
	p.Warnings = append(append(p.Warnings, cat.outside...), d.warnings()...)
	return p, nil
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
	d.pos = map[uint32]int{}
	for i, oid := range d.cat.order {
		d.pos[oid] = i
	}
}

// classifyOwned marks the tenant's registry table, the tables of the
// tenant's schema and the shared tables carrying a tenant column.
func (d *discovery) classifyOwned(tenantSchema string) error {
	found := false
	for _, oid := range d.cat.order {
		r := d.cat.rels[oid]
		if tenantSchema != "" && r.schema == tenantSchema {
			d.owned[oid] = &entry{rel: r, role: RoleSchemaTable}
			continue
		}
		if d.cfg.isTenantTable(r.schema, r.name) {
			col, ok := r.column(d.cfg.TenantTable.Key)
			if !ok {
				return fmt.Errorf("tenant_table %s has no column %q", d.cfg.TenantTable.Table, d.cfg.TenantTable.Key)
			}
			d.owned[oid] = &entry{rel: r, role: RoleTenantRow, col: &col}
			found = true
			continue
		}
		for _, name := range d.cfg.TenantColumns {
			if col, ok := r.column(name); ok {
				d.owned[oid] = &entry{rel: r, role: RoleTenantOwned, col: &col}
				break
			}
		}
	}
	if d.cfg.TenantTable.Set() && !found {
		return fmt.Errorf("tenant_table %s not found in the shared schemas %v", d.cfg.TenantTable.Table, d.cfg.SharedSchemas)
	}
	return nil
}

// owns reports whether fk is an ownership edge: the child row belongs to
// whoever owns the parent row. A configured override wins; by default NOT
// NULL and ON DELETE CASCADE foreign keys own, nullable ones (createdBy,
// revokedBy) only refer.
func (d *discovery) owns(fk foreignKey) bool {
	c := d.cat.rels[fk.child]
	if e, ok := d.cfg.Ownership[c.schema+"."+c.name+"."+fk.name]; ok {
		return e == EdgeOwned
	}
	return fk.notNull || fk.onDelete == "c"
}

// spreadOwnership adds shared tables reachable from owned rows along
// ownership edges, breadth first, so each gets its shortest depth.
func (d *discovery) spreadOwnership() {
	for depth := 1; ; depth++ {
		var found []uint32
		via := map[uint32]string{}
		for _, fk := range d.cat.fks {
			p, ok := d.owned[fk.parent]
			if !ok || p.depth != depth-1 || d.owned[fk.child] != nil || slices.Contains(found, fk.child) || !d.owns(fk) {
				continue
			}
			found = append(found, fk.child)
			via[fk.child] = fk.name
		}
		if len(found) == 0 {
			return
		}
		for _, oid := range found {
			d.owned[oid] = &entry{rel: d.cat.rels[oid], role: RoleFKOwned, depth: depth, via: via[oid]}
		}
	}
}

// components numbers the strongly connected components of the ownership
// graph: a selection may follow an ownership edge from any owned parent in
// another component, and within a component only from parents strictly
// closer to the tenant, so that selections stay finite.
func (d *discovery) components() {
	deps := make([][]int, len(d.cat.order))
	for _, fk := range d.cat.fks {
		if fk.child != fk.parent && d.owns(fk) {
			deps[d.pos[fk.child]] = append(deps[d.pos[fk.child]], d.pos[fk.parent])
		}
	}
	d.scc = tarjan(len(d.cat.order), deps)
}

// refComponents numbers the strongly connected components of the graph of
// reference selections: a table's reference rows depend on the rows of the
// reference tables pointing at it. A selection follows every child in
// another component, and within one only children strictly closer to the
// owned rows, so that selections stay finite.
func (d *discovery) refComponents() {
	deps := make([][]int, len(d.cat.order))
	for _, fk := range d.cat.fks {
		if fk.child != fk.parent && d.refs[fk.child] != nil && d.refs[fk.parent] != nil {
			deps[d.pos[fk.parent]] = append(deps[d.pos[fk.parent]], d.pos[fk.child])
		}
	}
	d.refSCC = tarjan(len(d.cat.order), deps)
}

// ownerParent reports whether an owned entry e's selection follows fk to
// its owned parent p.
func (d *discovery) ownerParent(e *entry, fk foreignKey) (*entry, bool) {
	p := d.owned[fk.parent]
	if fk.child != e.rel.oid || fk.parent == fk.child || p == nil || !d.owns(fk) {
		return nil, false
	}
	if d.scc[d.pos[fk.parent]] == d.scc[d.pos[fk.child]] && p.depth >= e.depth {
		return nil, false
	}
	return p, true
}

// findReferences adds the rows that exported rows point at and the tenant
// does not own, whatever the role of their table: a platform row, another
// tenant's row, a NULL-tenant row. Rows of the tenant's own schema are all
// owned and never references. Breadth first: owned rows are level 0, and
// each table's reference rows get the first level that reaches them.
func (d *discovery) findReferences() {
	for depth := 1; ; depth++ {
		var found []uint32
		for _, fk := range d.cat.fks {
			if d.refs[fk.parent] != nil || slices.Contains(found, fk.parent) {
				continue
			}
			if o := d.owned[fk.parent]; o != nil && o.role == RoleSchemaTable {
				continue
			}
			fromOwned := depth == 1 && d.owned[fk.child] != nil && !d.alwaysOwned(fk)
			fromRef := fk.child != fk.parent && d.refs[fk.child] != nil && d.refs[fk.child].depth == depth-1
			if fromOwned || fromRef {
				found = append(found, fk.parent)
			}
		}
		if len(found) == 0 {
			return
		}
		for _, oid := range found {
			d.refs[oid] = &entry{rel: d.cat.rels[oid], role: RoleReference, depth: depth}
		}
	}
}

// alwaysOwned reports whether every owned row of fk's child points, through
// fk, at a row the tenant owns: fk is the child's only way to be owned, or
// it joins the tenant column to the tenant's registry key. Such a foreign
// key never leads to reference rows from owned rows.
func (d *discovery) alwaysOwned(fk foreignKey) bool {
	c, p := d.owned[fk.child], d.owned[fk.parent]
	if c == nil || p == nil {
		return false
	}
	switch c.role {
	case RoleSchemaTable:
		return p.role == RoleSchemaTable
	case RoleTenantOwned:
		return p.role == RoleTenantRow && slices.Equal(fk.childCols, []string{c.col.Name}) && slices.Equal(fk.parentCols, []string{p.col.Name})
	case RoleFKOwned:
		if len(d.selfKeys(c.rel.oid, true)) > 0 {
			return false
		}
		var parents []foreignKey
		for _, other := range d.cat.fks {
			if _, ok := d.ownerParent(c, other); ok {
				parents = append(parents, other)
			}
		}
		return len(parents) == 1 && parents[0].name == fk.name
	}
	return false
}
