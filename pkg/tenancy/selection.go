package tenancy

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// A selection is written once per table as a common table expression (a
// "node") that names the rows it selects by (tableoid, ctid) and carries
// the columns foreign keys join on; a table's selection refers to the nodes
// of the tables it depends on by name. Each statement lists the nodes it
// needs once, in dependency order, so the SQL grows with the number of
// tables and foreign keys, not with the number of paths between them.

// where is the predicate, over alias a, selecting the rows of entry e.
// Registry, tenant-column and schema tables test their own row; the others
// look the row up in their node.
func (d *discovery) where(e *entry, a string) string {
	if s, ok := d.direct(e, a); ok {
		return s
	}
	var defs []string
	d.collect(e, map[*entry]bool{}, &defs)
	return "(" + a + ".tableoid, " + a + ".ctid) IN (WITH " + strings.Join(defs, ", ") +
		" SELECT tableoid, ctid FROM " + d.node(e) + ")"
}

// direct is the predicate of an entry that depends on no other table.
func (d *discovery) direct(e *entry, a string) (string, bool) {
	switch e.role {
	case RoleSchemaTable:
		return "TRUE", true
	case RoleTenantOwned, RoleTenantRow:
		return col(a, e.col.Name) + " = " + settingExpr + "::" + e.col.Type, true
	}
	return "", false
}

// node names the common table expression of an entry.
func (d *discovery) node(e *entry) string {
	if e.role == RoleReference {
		return fmt.Sprintf("r%d", d.pos[e.rel.oid])
	}
	return fmt.Sprintf("s%d", d.pos[e.rel.oid])
}

// collect appends the definitions of e's node and of every node it depends
// on, dependencies first, each once.
func (d *discovery) collect(e *entry, seen map[*entry]bool, defs *[]string) {
	if seen[e] {
		return
	}
	seen[e] = true
	for _, dep := range d.deps(e) {
		d.collect(dep, seen, defs)
	}
	*defs = append(*defs, d.node(e)+" AS ("+d.body(e)+")")
}

// deps are the entries whose nodes e's node reads.
func (d *discovery) deps(e *entry) []*entry {
	var out []*entry
	switch e.role {
	case RoleFKOwned:
		for _, fk := range d.cat.fks {
			if p, ok := d.ownerParent(e, fk); ok {
				out = append(out, p)
			}
		}
	case RoleReference:
		for _, ch := range d.refChildren(e) {
			out = append(out, ch.entry)
		}
		if o := d.owned[e.rel.oid]; o != nil {
			out = append(out, o)
		}
	}
	return out
}

// refChild is a selection pointing at a reference entry through fk.
type refChild struct {
	entry *entry
	fk    foreignKey
}

// refChildren are the selections whose rows point at rows of reference
// entry e: owned ones (unless the foreign key always leads to owned rows),
// and reference ones outside e's component of the reference graph or
// strictly closer to the owned rows.
func (d *discovery) refChildren(e *entry) []refChild {
	var out []refChild
	for _, fk := range d.cat.fks {
		if fk.parent != e.rel.oid {
			continue
		}
		if c := d.owned[fk.child]; c != nil && !d.alwaysOwned(fk) {
			out = append(out, refChild{c, fk})
		}
		c := d.refs[fk.child]
		if c == nil || fk.child == fk.parent ||
			(c.depth >= e.depth && d.refSCC[d.pos[fk.child]] == d.refSCC[d.pos[fk.parent]]) {
			continue
		}
		out = append(out, refChild{c, fk})
	}
	return out
}

// body is the query of e's node: (tableoid, ctid) and the join columns of
// the selected rows.
func (d *discovery) body(e *entry) string {
	carried := d.joinColumns(e.rel.oid)
	ident := pgx.Identifier{e.rel.schema, e.rel.name}.Sanitize()
	sel := func(x string) string {
		return "SELECT " + x + ".tableoid, " + x + ".ctid" + prefixedCols(x, carried) + " FROM " + ident + " AS " + x
	}
	if d.batch {
		return d.batchBody(e, ident, carried)
	}
	if s, ok := d.direct(e, "x"); ok {
		return sel("x") + " WHERE " + s
	}
	base := d.ownedBase
	selfs := d.selfKeys(e.rel.oid, true)
	if e.role == RoleReference {
		base = d.refBase
		selfs = d.selfKeys(e.rel.oid, false)
	}
	q := sel("x") + " WHERE " + base(e, "x")
	if len(selfs) > 0 {
		// Close the selection along the table's self-references.
		q = "WITH RECURSIVE w AS (" + q + " UNION " + sel("n") + " JOIN w ON " + selfJoin(e.role, selfs) + ") SELECT * FROM w"
	}
	if o := d.owned[e.rel.oid]; e.role == RoleReference && o != nil {
		q = "SELECT * FROM (" + q + ") AS y WHERE (y.tableoid, y.ctid) NOT IN (SELECT tableoid, ctid FROM " + d.node(o) + ")"
	}
	return q
}

// ownedBase selects, over alias x, the rows of an fk-owned table with an
// owned parent.
func (d *discovery) ownedBase(e *entry, x string) string {
	var terms []string
	for _, fk := range d.cat.fks {
		if p, ok := d.ownerParent(e, fk); ok {
			terms = append(terms, "("+cols(x, fk.childCols)+") IN (SELECT "+quoted(fk.parentCols)+" FROM "+d.node(p)+")")
		}
	}
	return or(terms)
}

// refBase selects, over alias x, the rows of a reference table that
// selected rows point at.
func (d *discovery) refBase(e *entry, x string) string {
	var terms []string
	for _, ch := range d.refChildren(e) {
		terms = append(terms, "("+cols(x, ch.fk.parentCols)+") IN (SELECT "+quoted(ch.fk.childCols)+" FROM "+d.node(ch.entry)+")")
	}
	return or(terms)
}

// joinColumns are the columns of a table that any foreign key joins on.
func (d *discovery) joinColumns(oid uint32) []string {
	var out []string
	for _, fk := range d.cat.fks {
		if fk.child == oid {
			out = appendNew(out, fk.childCols...)
		}
		if fk.parent == oid {
			out = appendNew(out, fk.parentCols...)
		}
	}
	return out
}

// ownerExpr is an expression, over alias a, giving the id (as text) of the
// tenant owning a row of an owned shared table, or NULL for a row no tenant
// owns, found along the foreign-key path that first reached the table. A
// --replace restore uses it to tell an orphan, which it replaces, from
// another tenant's row, which it refuses to touch.
func (d *discovery) ownerExpr(e *entry, a string) string {
	switch e.role {
	case RoleTenantOwned, RoleTenantRow:
		return col(a, e.col.Name) + "::text"
	case RoleFKOwned:
		for _, fk := range d.cat.fks {
			p, ok := d.ownerParent(e, fk)
			if !ok || fk.name != e.via || p.role == RoleSchemaTable {
				continue
			}
			b := d.fresh("o")
			return "(SELECT " + d.ownerExpr(p, b) + " FROM " + pgx.Identifier{p.rel.schema, p.rel.name}.Sanitize() + " AS " + b +
				" WHERE " + eq(b, fk.parentCols, a, fk.childCols) + " LIMIT 1)"
		}
	}
	return "NULL::text"
}

// alsoOwned is a predicate, over alias a, true when a row of fk-owned entry
// e has an ownership parent that another tenant owns (by the parent's owner
// expression); empty for other roles.
func (d *discovery) alsoOwned(e *entry, a string) string {
	if e.role != RoleFKOwned {
		return ""
	}
	var terms []string
	for _, fk := range d.cat.fks {
		p, ok := d.ownerParent(e, fk)
		if !ok || p.role == RoleSchemaTable {
			continue
		}
		b := d.fresh("q")
		terms = append(terms, "EXISTS (SELECT 1 FROM "+pgx.Identifier{p.rel.schema, p.rel.name}.Sanitize()+" AS "+b+
			" WHERE "+eq(b, fk.parentCols, a, fk.childCols)+" AND "+d.ownerExpr(p, b)+" <> "+settingExpr+")")
	}
	if len(terms) == 0 {
		return ""
	}
	return or(terms)
}

// selfKeys are the table's foreign keys to itself; ownership ones only
// when owning is set.
func (d *discovery) selfKeys(oid uint32, owning bool) []foreignKey {
	var out []foreignKey
	for _, fk := range d.cat.fks {
		if fk.child == oid && fk.parent == oid && (!owning || d.owns(fk)) {
			out = append(out, fk)
		}
	}
	return out
}

func (d *discovery) fresh(prefix string) string {
	d.n++
	return fmt.Sprintf("%s%d", prefix, d.n)
}

func col(alias, name string) string { return alias + "." + pgx.Identifier{name}.Sanitize() }

func cols(alias string, names []string) string {
	out := make([]string, len(names))
	for i, name := range names {
		out[i] = col(alias, name)
	}
	return strings.Join(out, ", ")
}

// prefixedCols is ", x.a, x.b" (empty for no names).
func prefixedCols(alias string, names []string) string {
	if len(names) == 0 {
		return ""
	}
	return ", " + cols(alias, names)
}

func quoted(names []string) string {
	out := make([]string, len(names))
	for i, name := range names {
		out[i] = pgx.Identifier{name}.Sanitize()
	}
	return strings.Join(out, ", ")
}

// eq joins a.aCols to b.bCols.
// selfJoin is the condition that takes a selection of rows "w" one step
// along a table's self-references to rows "n": down (rows pointing at
// selected rows) for owned rows, up (rows the selected rows point at) for
// reference rows.
func selfJoin(role Role, selfs []foreignKey) string {
	var joins []string
	for _, fk := range selfs {
		if role == RoleReference {
			joins = append(joins, "("+eq("n", fk.parentCols, "w", fk.childCols)+")")
		} else {
			joins = append(joins, "("+eq("n", fk.childCols, "w", fk.parentCols)+")")
		}
	}
	return strings.Join(joins, " OR ")
}

func eq(a string, aCols []string, b string, bCols []string) string {
	terms := make([]string, len(aCols))
	for i := range aCols {
		terms[i] = col(a, aCols[i]) + " = " + col(b, bCols[i])
	}
	return strings.Join(terms, " AND ")
}

func or(terms []string) string {
	switch len(terms) {
	case 0:
		return "FALSE"
	case 1:
		return terms[0]
	}
	return "(" + strings.Join(terms, " OR ") + ")"
}

func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		if indexOf(list, n) < 0 {
			list = append(list, n)
		}
	}
	return list
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
