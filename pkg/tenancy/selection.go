package tenancy

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// ownedWhere is the predicate, over alias a, selecting the tenant's rows of
// an owned table: a row of a shared table without a tenant column is the
// tenant's when any of its ownership parents is.
func (d *discovery) ownedWhere(e *entry, a string) string {
	switch e.role {
	case RoleSchemaTable:
		return "TRUE"
	case RoleTenantOwned, RoleTenantRow:
		return col(a, e.col.Name) + " = " + settingExpr + "::" + e.col.Type
	}
	base := func(a string) string {
		var terms []string
		for _, fk := range d.cat.fks {
			if p, ok := d.ownerParent(e, fk); ok {
				terms = append(terms, d.exists(p.rel, fk.parentCols, a, fk.childCols, func(b string) string { return d.ownedWhere(p, b) }))
			}
		}
		return or(terms)
	}
	if selfs := d.selfKeys(e.rel.oid, true); len(selfs) > 0 {
		return d.closure(e.rel, a, base, selfs, true)
	}
	return base(a)
}

// ownerExpr is an expression, over alias a, giving the id (as text) of the
// tenant owning a row of an owned shared table, or NULL for a row no tenant
// owns. A --replace restore uses it to tell an orphan, which it replaces,
// from another tenant's row, which it refuses to touch.
func (d *discovery) ownerExpr(e *entry, a string) string {
	switch e.role {
	case RoleSchemaTable, RoleReference:
		return "NULL::text"
	case RoleTenantOwned, RoleTenantRow:
		return col(a, e.col.Name) + "::text"
	}
	var terms []string
	for _, fk := range d.cat.fks {
		p, ok := d.ownerParent(e, fk)
		if !ok || p.role == RoleSchemaTable {
			continue
		}
		b := d.fresh("o")
		terms = append(terms, "(SELECT "+d.ownerExpr(p, b)+" FROM "+pgx.Identifier{p.rel.schema, p.rel.name}.Sanitize()+" AS "+b+
			" WHERE "+eq(b, fk.parentCols, a, fk.childCols)+" LIMIT 1)")
	}
	switch len(terms) {
	case 0:
		return "NULL::text"
	case 1:
		return terms[0]
	}
	return "COALESCE(" + strings.Join(terms, ", ") + ")"
}

// refWhere is the predicate, over alias a, selecting the rows of a table
// that exported rows point at and the tenant does not own.
func (d *discovery) refWhere(e *entry, a string) string {
	base := func(a string) string {
		var terms []string
		for _, fk := range d.cat.fks {
			if fk.parent != e.rel.oid {
				continue
			}
			for _, c := range []*entry{d.owned[fk.child], d.refs[fk.child]} {
				if c == nil || (c.role == RoleReference && (fk.child == fk.parent ||
					(c.depth >= e.depth && d.refSCC[d.pos[fk.child]] == d.refSCC[d.pos[fk.parent]]))) {
					continue
				}
				if c.role != RoleReference && d.alwaysOwned(fk) {
					continue
				}
				terms = append(terms, d.exists(c.rel, fk.childCols, a, fk.parentCols, func(b string) string { return d.where(c, b) }))
			}
		}
		return or(terms)
	}
	w := base(a)
	if selfs := d.selfKeys(e.rel.oid, false); len(selfs) > 0 {
		w = d.closure(e.rel, a, base, selfs, false)
	}
	if o := d.owned[e.rel.oid]; o != nil {
		w = w + " AND (" + d.ownedWhere(o, a) + ") IS NOT TRUE"
	}
	return w
}

func (d *discovery) where(e *entry, a string) string {
	if e.role == RoleReference {
		return d.refWhere(e, a)
	}
	return d.ownedWhere(e, a)
}

// exists is a semi-join from alias a (columns aCols) to rows of rel
// (columns relCols) that satisfy inner.
func (d *discovery) exists(rel *relation, relCols []string, a string, aCols []string, inner func(string) string) string {
	b := d.fresh("p")
	return "EXISTS (SELECT 1 FROM " + pgx.Identifier{rel.schema, rel.name}.Sanitize() + " AS " + b +
		" WHERE " + eq(b, relCols, a, aCols) + " AND (" + inner(b) + "))"
}

// closure extends a base selection of a self-referencing table along its
// self-references with a recursive CTE: down (fk-owned) takes the rows that
// point at selected rows, up (reference) the rows selected rows point at.
// Rows are identified by the key the first self-reference points at.
func (d *discovery) closure(rel *relation, a string, base func(string) string, selfs []foreignKey, down bool) string {
	key := selfs[0].parentCols
	carried := append([]string(nil), key...)
	for _, fk := range selfs {
		if down {
			carried = appendNew(carried, fk.parentCols...)
		} else {
			carried = appendNew(carried, fk.childCols...)
		}
	}
	r, s, n := d.fresh("r"), d.fresh("s"), d.fresh("n")
	rc := func(names []string) []string {
		out := make([]string, len(names))
		for i, name := range names {
			out[i] = fmt.Sprintf("c%d", indexOf(carried, name)+1)
		}
		return out
	}
	var joins []string
	for _, fk := range selfs {
		if down { // n points at a row in r
			joins = append(joins, "("+eqCTE(n, fk.childCols, r, rc(fk.parentCols))+")")
		} else { // a row in r points at n
			joins = append(joins, "("+eqCTE(n, fk.parentCols, r, rc(fk.childCols))+")")
		}
	}
	ident := pgx.Identifier{rel.schema, rel.name}.Sanitize()
	return "(" + cols(a, key) + ") IN (WITH RECURSIVE " + r + "(" + strings.Join(rc(carried), ", ") + ") AS (" +
		"SELECT " + cols(s, carried) + " FROM " + ident + " AS " + s + " WHERE " + base(s) +
		" UNION SELECT " + cols(n, carried) + " FROM " + ident + " AS " + n + " JOIN " + r + " ON " + strings.Join(joins, " OR ") +
		") SELECT " + strings.Join(prefixed(r, rc(key)), ", ") + " FROM " + r + ")"
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

// prefixed qualifies already-safe column names (c1, c2...) with an alias.
func prefixed(alias string, names []string) []string {
	out := make([]string, len(names))
	for i, name := range names {
		out[i] = alias + "." + name
	}
	return out
}

// eq joins a.aCols to b.bCols.
func eq(a string, aCols []string, b string, bCols []string) string {
	terms := make([]string, len(aCols))
	for i := range aCols {
		terms[i] = col(a, aCols[i]) + " = " + col(b, bCols[i])
	}
	return strings.Join(terms, " AND ")
}

// eqCTE joins a.aCols to the recursive CTE's generated columns (c1...),
// which need no quoting.
func eqCTE(a string, aCols []string, r string, rCols []string) string {
	terms := make([]string, len(aCols))
	for i := range aCols {
		terms[i] = col(a, aCols[i]) + " = " + r + "." + rCols[i]
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
