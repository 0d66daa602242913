package tenancy

import (
	"fmt"
	"slices"
	"strings"
)

// tables builds the plan's tables in restore order.
func (d *discovery) tables() []Table {
	var entries []*entry
	for _, oid := range d.cat.order {
		// A table that is both tenant-owned and reference (a nullable tenant
		// column) lists its reference rows first: owned rows may point at them.
		if e := d.refs[oid]; e != nil {
			entries = append(entries, e)
		}
		if e := d.owned[oid]; e != nil {
			entries = append(entries, e)
		}
	}
	index := map[uint32][]int{}
	for i, e := range entries {
		index[e.rel.oid] = append(index[e.rel.oid], i)
	}
	deps := make([][]int, len(entries))
	selfRef := map[uint32]bool{}
	for _, fk := range d.cat.fks {
		if fk.child == fk.parent {
			selfRef[fk.child] = true
			continue
		}
		for _, c := range index[fk.child] {
			deps[c] = append(deps[c], index[fk.parent]...)
		}
	}
	for _, idx := range index {
		if len(idx) == 2 { // owned after reference rows of the same table
			deps[idx[1]] = append(deps[idx[1]], idx[0])
		}
	}
	// Inside a cycle, owners come before the tables they own, so that a
	// restore deleting in reverse order still finds the owners it joins
	// through; reference rows come first of all.
	less := func(a, b int) bool {
		ra, rb := entries[a].role == RoleReference, entries[b].role == RoleReference
		if ra != rb {
			return ra
		}
		if entries[a].depth != entries[b].depth {
			return entries[a].depth < entries[b].depth
		}
		return a < b
	}
	order, cycle := topoOrder(len(entries), deps, less)
	d.refsOrder = nil
	for _, i := range order {
		if entries[i].role == RoleReference {
			d.refsOrder = append(d.refsOrder, entries[i])
		}
	}
	out := make([]Table, 0, len(entries))
	for _, i := range order {
		e := entries[i]
		t := Table{Schema: e.rel.schema, Name: e.rel.name, Role: e.role, Depth: e.depth, Cycle: cycle[i], SelfRef: selfRef[e.rel.oid]}
		for _, c := range e.rel.columns {
			if !c.Generated {
				t.Columns = append(t.Columns, c)
			}
		}
		d.n = 0
		t.Where = d.where(e, "t")
		if e.role.Owned() {
			d.n = 0
			t.Owner = d.ownerExpr(e, "t")
			t.AlsoOwned = d.alsoOwned(e, "t")
		}
		t.Path = d.path(e)
		t.BatchSelect = d.batchSelect(e)
		if e.role == RoleReference {
			t.BatchRowsSelect = d.batchRowsSelect(e)
		}
		out = append(out, t)
	}
	return out
}

// path explains why a table is in the plan: the foreign-key chain to the
// tenant for fk-owned tables, the reason for the other roles.
func (d *discovery) path(e *entry) string {
	switch e.role {
	case RoleTenantRow:
		return "tenant_table, key " + e.col.Name
	case RoleTenantOwned:
		return "tenant column " + e.col.Name
	case RoleSchemaTable:
		return "table of the tenant's schema"
	case RoleReference:
		var by []string
		for _, ch := range d.refChildren(e) {
			by = appendNew(by, fmt.Sprintf("%s.%s (%s)", ch.entry.rel.schema, ch.entry.rel.name, ch.fk.name))
		}
		return "rows the tenant does not own, pointed at by " + strings.Join(by, ", ")
	}
	var hops []string
	for cur := e; cur != nil && cur.role == RoleFKOwned; {
		var next *entry
		for _, fk := range d.cat.fks {
			if fk.child == cur.rel.oid && fk.name == cur.via {
				hops = append(hops, fmt.Sprintf("%s.%s (%s)", cur.rel.schema, cur.rel.name, fk.name))
				next = d.owned[fk.parent]
				break
			}
		}
		if next == nil {
			break
		}
		if next.role != RoleFKOwned {
			hops = append(hops, fmt.Sprintf("%s.%s [%s]", next.rel.schema, next.rel.name, next.role))
		}
		cur = next
	}
	return strings.Join(hops, " -> ")
}

// topoOrder orders nodes 0..n-1 so that every node comes after the nodes it
// depends on, ties broken by less. Strongly connected components of two or
// more nodes (cycles) are kept together, ordered by less inside, and
// numbered from 1 in cycle; other nodes get 0.
func topoOrder(n int, deps [][]int, less func(a, b int) bool) (order []int, cycle []int) {
	comp := tarjan(n, deps)
	ncomp := 0
	for _, c := range comp {
		ncomp = max(ncomp, c+1)
	}
	members := make([][]int, ncomp)
	for v, c := range comp {
		members[c] = append(members[c], v)
	}
	cmp := func(a, b int) int {
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return 0
	}
	for _, m := range members {
		slices.SortFunc(m, cmp)
	}
	pending := make([]int, ncomp) // unplaced dependency components
	users := make([][]int, ncomp)
	for v, ds := range deps {
		seen := map[int]bool{}
		for _, u := range ds {
			cv, cu := comp[v], comp[u]
			if cv == cu || seen[cu] {
				continue
			}
			seen[cu] = true
			pending[cv]++
			users[cu] = append(users[cu], cv)
		}
	}
	var ready []int
	for c := range ncomp {
		if pending[c] == 0 {
			ready = append(ready, c)
		}
	}
	cycle = make([]int, n)
	cycles := 0
	for len(ready) > 0 {
		// members[c] is sorted, so its first member is the component's key.
		slices.SortFunc(ready, func(a, b int) int { return cmp(members[a][0], members[b][0]) })
		c := ready[0]
		ready = ready[1:]
		if len(members[c]) > 1 {
			cycles++
			for _, v := range members[c] {
				cycle[v] = cycles
			}
		}
		order = append(order, members[c]...)
		for _, u := range users[c] {
			if pending[u]--; pending[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	return order, cycle
}

// tarjan returns each node's strongly connected component.
func tarjan(n int, deps [][]int) []int {
	index, low, comp := make([]int, n), make([]int, n), make([]int, n)
	for i := range index {
		index[i], comp[i] = -1, -1
	}
	var stack []int
	onStack := make([]bool, n)
	next, ncomp := 0, 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, u := range deps[v] {
			if index[u] < 0 {
				visit(u)
				low[v] = min(low[v], low[u])
			} else if onStack[u] {
				low[v] = min(low[v], index[u])
			}
		}
		if low[v] == index[v] {
			for {
				u := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[u] = false
				comp[u] = ncomp
				if u == v {
					break
				}
			}
			ncomp++
		}
	}
	for v := range n {
		if index[v] < 0 {
			visit(v)
		}
	}
	return comp
}

// String renders a plan for logs and golden files: one table a line, no
// row data.
func (p *Plan) String() string {
	var b strings.Builder
	for i, t := range p.Tables {
		fmt.Fprintf(&b, "%03d %-12s %s", i+1, t.Role, t.Identifier().Sanitize())
		if t.Cycle > 0 {
			fmt.Fprintf(&b, " cycle=%d", t.Cycle)
		}
		if t.SelfRef {
			b.WriteString(" self-ref")
		}
		b.WriteString("\n")
	}
	return b.String()
}
