package tenancy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// A batch selection reads a table once for several tenants. The tenants'
// ids are bound as one setting (a JSON array, BindBatch); every node of the
// selection carries, beside (tableoid, ctid) and its join columns, the
// 1-based position of the tenant it selected the row for (arca_bi), and
// every join between nodes also matches that position, so that each
// tenant's rows are exactly the rows its own selection (Table.Where) picks:
// set operations over (row, tenant) pairs instead of over rows. A row two
// tenants select (a reference row, a row with two owners) comes out once
// per tenant.

// BatchSetting is the custom setting batch selections read the tenants'
// ids from, a JSON array of strings.
const BatchSetting = "arca.tenant_ids"

// BatchColumn leads every record of a batch COPY: the tenant's 1-based
// position in the ids bound with BindBatch.
const BatchColumn = "arca_batch"

// batchCTE numbers the bound ids.
const batchCTE = "arca_b AS (SELECT b.i::int AS i, b.id FROM jsonb_array_elements_text(current_setting('" +
	BatchSetting + "')::jsonb) WITH ORDINALITY AS b(id, i))"

// oneCTE is batchCTE for a batch of one id.
const oneCTE = "arca_b AS (SELECT 1 AS i, current_setting('" + BatchSetting + "')::jsonb->>0 AS id)"

// BindBatch sets the tenants' ids for the batch selections of the current
// transaction, passed as a bind parameter; it lapses at commit or rollback.
func BindBatch(ctx context.Context, ex Execer, ids []string) error {
	b, err := batchIDs(ids)
	if err != nil {
		return err
	}
	if _, err := ex.Exec(ctx, bindBatchSQL, BatchSetting, b); err != nil {
		return fmt.Errorf("bind batch of %d tenants: %w", len(ids), err)
	}
	return nil
}

const bindBatchSQL = "SELECT set_config($1, $2, true)"

// batchIDs is the ids as the JSON array BatchSetting holds.
func batchIDs(ids []string) (string, error) {
	if len(ids) == 0 {
		return "", fmt.Errorf("bind batch: no tenant")
	}
	for _, id := range ids {
		if id == "" {
			return "", fmt.Errorf("bind batch: empty id")
		}
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return "", fmt.Errorf("bind batch: %w", err)
	}
	return string(b), nil
}

// batchSelect is the batch form of entry e's selection: its exported
// columns led by arca_batch. Tables with a tenant column join the numbered
// ids directly (one read of the batch's rows, batchTenants); the others
// join the table back to their node by (tableoid, ctid).
func (d *discovery) batchSelect(e *entry) string {
	if e.role == RoleSchemaTable {
		return ""
	}
	d.batch = true
	defer func() { d.batch = false }()
	var names []string
	for _, c := range e.rel.columns {
		if !c.Generated {
			names = append(names, col("t", c.Name))
		}
	}
	ident := pgx.Identifier{e.rel.schema, e.rel.name}.Sanitize()
	lead := "SELECT %s AS " + BatchColumn
	if len(names) > 0 {
		lead += ", " + strings.Join(names, ", ")
	}
	if e.role == RoleTenantOwned || e.role == RoleTenantRow {
		return "WITH " + batchCTE + " " + fmt.Sprintf(lead, "b.i") + " FROM " + ident + " AS t" + d.batchTenants(e, "t")
	}
	defs := []string{batchCTE}
	d.collect(e, map[*entry]bool{}, &defs)
	return "WITH " + strings.Join(defs, ", ") + " " + fmt.Sprintf(lead, "w.arca_bi") + " FROM " + ident + " AS t JOIN " +
		d.node(e) + " AS w ON t.tableoid = w.tableoid AND t.ctid = w.ctid"
}

// batchTenants joins alias a of a tenant-owned or tenant-row entry to the
// batch's numbered ids on its tenant column, and where that column leads
// an index, also filters it with = ANY of the ids as an array: the
// planner then reads the batch's rows through the index (a bitmap scan of
// the pages holding them, each selected row looked at once), where the
// join alone, the ids estimated at 100 rows, is planned as a scan of the
// whole table probing every row against the ids. Without an index the
// join alone is cheaper: the filter would compare each row with every id.
// The filter selects the rows the join does, so the selection is the same.
func (d *discovery) batchTenants(e *entry, a string) string {
	c := col(a, e.col.Name)
	j := " JOIN arca_b AS b ON " + c + " = b.id::" + e.col.Type
	if d.cat.indexed[e.rel.oid][e.col.Name] {
		j += " WHERE " + c + " = ANY (ARRAY(SELECT n.id::" + e.col.Type + " FROM arca_b AS n))"
	}
	return j
}

// batchKeys is the distinct join keys of entry e's rows with their tenant
// positions: a child table with many rows per parent (care records per
// resident) joins its parent once per (key, tenant), not once per row. A
// table with a tenant column is read directly, its keys made distinct with
// the tenant column before they are numbered: each of the batch's rows is
// hashed once (into the keys), not also joined to the ids first. drop, when
// not empty, is a further condition on the rows read (sameTenantKeys).
func (d *discovery) batchKeys(e *entry, names []string, drop string) string {
	if e.role != RoleTenantOwned && e.role != RoleTenantRow {
		return "(SELECT DISTINCT " + quoted(names) + ", arca_bi FROM " + d.node(e) + ")"
	}
	c := col("x", e.col.Name)
	ids := "SELECT n.id::" + e.col.Type + " FROM arca_b AS n"
	in := c + " IN (" + ids + ")"
	if d.cat.indexed[e.rel.oid][e.col.Name] {
		in = c + " = ANY (ARRAY(" + ids + "))" // as batchTenants
	}
	return "(SELECT " + cols("k", names) + ", b.i AS arca_bi FROM (SELECT DISTINCT " + cols("x", names) + ", " + c +
		" AS arca_t FROM " + pgx.Identifier{e.rel.schema, e.rel.name}.Sanitize() + " AS x WHERE " + in + drop +
		") AS k JOIN arca_b AS b ON k.arca_t = b.id::" + e.col.Type + ")"
}

// sameTenantKeys is, for reference child ch, a condition over its rows x
// (" AND NOT EXISTS ...") dropping the rows whose parent row belongs to
// the same tenant as they do: their keys would find only rows the batch
// member owns, which the reference node removes in the end, and hashing
// them into the distinct keys is most of the closure's cost (a tenant's
// records point at its own residents). Empty where that is not provably
// so:
//   - both tables have a tenant column (tenant-owned or tenant-row) of the
//     same type (typmod included: a cast to varchar(n) truncates the id)
//     and collation, so that r.ptc = x.ctc, with x.ctc = id::type, says
//     r.ptc = id::type, the parent row's membership, for the same ids;
//   - the parent's key columns are unique among the rows a query of the
//     table reads (the foreign key's unique index covers every partition
//     of a partitioned table, but not a legacy inheritance child), so the
//     one row the condition finds is the only one the key joins;
//   - and "=" on the key is the index's equality (foreignKey.exactKey):
//     with a nondeterministic collation on either side, or collations or
//     types that differ, the join's "=" can match rows the unique index
//     tells apart ('ABC' and 'abc'), and the prefilter would drop a key
//     whose other match is another tenant's row (found by review).
//
// The rows it drops are owned rows, including those a self-reference
// closure would start from: each owned row's own self-reference keys are
// read as a child too, and dropped only when its parent is owned as well.
func (d *discovery) sameTenantKeys(ch refChild) string {
	c, p := ch.entry, d.owned[ch.fk.parent]
	direct := func(e *entry) bool { return e != nil && (e.role == RoleTenantOwned || e.role == RoleTenantRow) }
	if !direct(c) || !direct(p) || !ch.fk.exactKey || p.rel.inherits || c.col.Type != p.col.Type ||
		c.rel.types[c.col.Name] != p.rel.types[p.col.Name] {
		return ""
	}
	return " AND NOT EXISTS (SELECT 1 FROM " + pgx.Identifier{p.rel.schema, p.rel.name}.Sanitize() + " AS r WHERE " +
		eq("r", ch.fk.parentCols, "x", ch.fk.childCols) + " AND " + col("r", p.col.Name) + " = " + col("x", c.col.Name) + ")"
}

// batchBody is the batch form of body: the node's rows with the position
// of the tenant they were selected for.
func (d *discovery) batchBody(e *entry, ident string, carried []string) string {
	sel := func(x, bi string) string {
		return "SELECT " + x + ".tableoid, " + x + ".ctid, " + bi + " AS arca_bi" + prefixedCols(x, carried) + " FROM " + ident + " AS " + x
	}
	switch e.role {
	case RoleSchemaTable:
		// Never batched (batchSelect); a schema table cannot be another
		// batched table's dependency without naming a tenant's schema.
		return sel("x", "b.i") + " CROSS JOIN arca_b AS b"
	case RoleTenantOwned, RoleTenantRow:
		return sel("x", "b.i") + d.batchTenants(e, "x")
	}
	// One branch per parent (owned) or child (reference) selection, joined
	// on the foreign key, carrying the position of the tenant the parent or
	// child row was selected for.
	var branches []string
	selfs := d.selfKeys(e.rel.oid, true)
	if e.role == RoleReference {
		selfs = d.selfKeys(e.rel.oid, false)
		for _, ch := range d.refChildren(e) {
			branches = append(branches, sel("x", "p.arca_bi")+" JOIN "+d.batchKeys(ch.entry, ch.fk.childCols, d.sameTenantKeys(ch))+" AS p ON "+eq("x", ch.fk.parentCols, "p", ch.fk.childCols))
		}
	} else {
		for _, fk := range d.cat.fks {
			if p, ok := d.ownerParent(e, fk); ok {
				branches = append(branches, sel("x", "p.arca_bi")+" JOIN "+d.batchKeys(p, fk.parentCols, "")+" AS p ON "+eq("x", fk.childCols, "p", fk.parentCols))
			}
		}
	}
	if len(branches) == 0 {
		branches = append(branches, sel("x", "NULL::int")+" WHERE FALSE")
	}
	// A join, unlike IN, repeats a row once per matching parent or child:
	// UNION (or DISTINCT for one branch) keeps each (row, tenant) once.
	q := strings.Join(branches, " UNION ")
	if len(branches) == 1 {
		q = "SELECT DISTINCT" + strings.TrimPrefix(q, "SELECT")
	}
	if len(selfs) > 0 {
		q = "WITH RECURSIVE w AS (" + q + " UNION " + sel("n", "w.arca_bi") + " JOIN w ON (" + selfJoin(e.role, selfs) + ")) SELECT * FROM w"
	}
	if o := d.owned[e.rel.oid]; e.role == RoleReference && o != nil {
		// NOT EXISTS, not NOT IN: an anti-join hashes the owned rows of the
		// whole batch, where NOT IN's hashed subplan must fit in work_mem
		// and otherwise scans the subquery once per row.
		q = "SELECT * FROM (" + q + ") AS y WHERE NOT EXISTS (SELECT 1 FROM " + d.node(o) +
			" AS o WHERE o.tableoid = y.tableoid AND o.ctid = y.ctid AND o.arca_bi = y.arca_bi)"
	}
	return q
}

// BatchRowsSetting holds the rows of one reference table for a batch, a
// JSON array of [tenant position, tableoid, ctid] (BindBatchRows).
const BatchRowsSetting = "arca.batch_rows"

// BatchRow is one reference row found by Plan.BatchReferences.
type BatchRow struct {
	Tenant   int    // 1-based position in the batch
	TableOID uint32 // the row's partition or table
	CTID     string // its ctid, as text
}

// BindBatchRows sets the rows BatchRowsSelect reads, as a bind parameter.
func BindBatchRows(ctx context.Context, ex Execer, rows []BatchRow) error {
	list := make([][3]any, len(rows))
	for i, r := range rows {
		list[i] = [3]any{r.Tenant, r.TableOID, r.CTID}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return fmt.Errorf("bind batch rows: %w", err)
	}
	if _, err := ex.Exec(ctx, "SELECT set_config($1, $2, true)", BatchRowsSetting, string(b)); err != nil {
		return fmt.Errorf("bind %d batch rows: %w", len(rows), err)
	}
	return nil
}

// RowsCopySQL streams, as CSV with a header row, the rows of reference
// table t that Plan.BatchReferences found for one tenant (a batch of one):
// the rows by id instead of the table's reference closure (Where) again,
// which rescans the closure's tables once per reference table. The ids are
// written into the statement as one JSON literal, since a COPY takes no
// bind parameter and a session of a parallel export would otherwise pay a
// round trip per table to set them (BindBatchRows). They are the server's
// own (oid, tid) text, and the literal is quoted all the same.
func (t Table) RowsCopySQL(rows []BatchRow) string {
	list := make([][2]any, len(rows))
	for i, r := range rows {
		list[i] = [2]any{r.TableOID, r.CTID}
	}
	b, _ := json.Marshal(list) // oids and strings always marshal
	lit := "'" + strings.ReplaceAll(string(b), "'", "''") + "'"
	return "COPY (WITH r AS (SELECT (e->>0)::oid AS toid, (e->>1)::tid AS rid FROM jsonb_array_elements(" + lit +
		"::jsonb) AS e) SELECT " + t.ColumnList() + " FROM " + t.Identifier().Sanitize() +
		" AS t JOIN r ON t.tableoid = r.toid AND t.ctid = r.rid) TO STDOUT WITH (FORMAT csv, HEADER)"
}

// FindReferences runs Plan.BatchReferences under the ids bound with
// BindBatch and returns the rows found, by the reference table's position
// among the plan's reference tables (plan order).
func FindReferences(ctx context.Context, q Querier, p *Plan) (map[int][]BatchRow, error) {
	if p.BatchReferences == "" {
		return map[int][]BatchRow{}, nil
	}
	rows, err := q.Query(ctx, p.BatchReferences)
	if err != nil {
		return nil, fmt.Errorf("find reference rows: %w", err)
	}
	return scanReferences(rows)
}

// Batcher sends a pipelined batch of statements (a connection or a
// transaction).
type Batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// BindAndFindReferences is BindBatch then FindReferences in one round
// trip (a pipelined batch): a single tenant's export, a batch of one,
// would otherwise pay a round trip for the binding alone.
func BindAndFindReferences(ctx context.Context, tx Batcher, ids []string, p *Plan) (map[int][]BatchRow, error) {
	b, err := batchIDs(ids)
	if err != nil {
		return nil, err
	}
	if p.BatchReferences == "" {
		return map[int][]BatchRow{}, nil
	}
	q := p.BatchReferences
	if len(ids) == 1 {
		// A batch of one: a CTE the planner knows is one row, so that it
		// joins through the tenant column's indexes where there are some
		// (it estimates jsonb_array_elements_text at 100 rows and hashes
		// whole tables instead).
		q = strings.Replace(q, batchCTE, oneCTE, 1)
	}
	batch := &pgx.Batch{}
	batch.Queue(bindBatchSQL, BatchSetting, b)
	batch.Queue(q)
	res := tx.SendBatch(ctx, batch)
	defer func() { _ = res.Close() }() // closed again below, its error checked
	if _, err := res.Exec(); err != nil {
		return nil, fmt.Errorf("bind batch of %d tenants: %w", len(ids), err)
	}
	rows, err := res.Query()
	if err != nil {
		return nil, fmt.Errorf("find reference rows: %w", err)
	}
	out, err := scanReferences(rows)
	if err != nil {
		return nil, err
	}
	if err := res.Close(); err != nil {
		return nil, fmt.Errorf("find reference rows: %w", err)
	}
	return out, nil
}

// scanReferences reads Plan.BatchReferences' rows and closes them.
func scanReferences(rows pgx.Rows) (map[int][]BatchRow, error) {
	out := map[int][]BatchRow{}
	defer rows.Close()
	for rows.Next() {
		var k int
		var r BatchRow
		if err := rows.Scan(&k, &r.Tenant, &r.TableOID, &r.CTID); err != nil {
			return nil, fmt.Errorf("find reference rows: %w", err)
		}
		out[k] = append(out[k], r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find reference rows: %w", err)
	}
	return out, nil
}

// batchReferences is Plan.BatchReferences: one statement naming each
// reference node once.
func (d *discovery) batchReferences() string {
	if len(d.refsOrder) == 0 {
		return ""
	}
	d.batch = true
	defer func() { d.batch = false }()
	defs := []string{batchCTE}
	seen := map[*entry]bool{}
	var parts []string
	for k, e := range d.refsOrder {
		d.collect(e, seen, &defs)
		parts = append(parts, fmt.Sprintf("SELECT %d, arca_bi, tableoid::oid, ctid::text FROM %s", k, d.node(e)))
	}
	return "WITH " + strings.Join(defs, ", ") + " " + strings.Join(parts, " UNION ALL ")
}

// batchRowsSelect selects reference entry e's rows bound with
// BindBatchRows, led by arca_batch.
func (d *discovery) batchRowsSelect(e *entry) string {
	var names []string
	for _, c := range e.rel.columns {
		if !c.Generated {
			names = append(names, col("t", c.Name))
		}
	}
	lead := "SELECT r.bi AS " + BatchColumn
	if len(names) > 0 {
		lead += ", " + strings.Join(names, ", ")
	}
	return "WITH r AS (SELECT (e->>0)::int AS bi, (e->>1)::oid AS toid, (e->>2)::tid AS rid FROM jsonb_array_elements(current_setting('" +
		BatchRowsSetting + "')::jsonb) AS e) " + lead + " FROM " + pgx.Identifier{e.rel.schema, e.rel.name}.Sanitize() +
		" AS t JOIN r ON t.tableoid = r.toid AND t.ctid = r.rid"
}
