package tenancy

import (
	"strings"

	"github.com/jackc/pgx/v5"
)

// Plan is what to export for one tenant, in restore order.
type Plan struct {
	Tenant Tenant
	Tables []Table
	// Warnings name foreign keys discovery did not follow; they hold table
	// names only, never row data.
	Warnings []string
	// BatchReferences finds the reference rows of every reference table
	// for a batch in one statement (see BatchRowsSelect): each node of the
	// reference closure, and the child tables it scans, is read once for
	// all reference tables instead of once per table. Its rows are
	// (reference table's position among the plan's reference tables,
	// tenant's position, tableoid, ctid as text).
	BatchReferences string
}

// Column is one column of a table.
type Column struct {
	Name      string
	Type      string // format_type, e.g. "numeric(12,2)" or "tenant_x.mood"
	NotNull   bool
	Generated bool // stored generated: not exported, the restore recomputes it
}

// Table is one table's share of a tenant: which rows, which columns.
type Table struct {
	Schema string
	Name   string
	Role   Role
	// Columns are the exported columns, in CSV order.
	Columns []Column
	// Where is the row selection, a predicate over alias t that reads the
	// tenant id with current_setting('arca.tenant_id') (see Bind); "TRUE"
	// for a schema table.
	Where string
	// Owner is an expression over alias t giving the id (text) of the tenant
	// owning a row, NULL when none does; set for owned shared tables.
	Owner string
	// AlsoOwned is a predicate over alias t, set for fk-owned tables: the
	// row also belongs to another tenant (one of its ownership parents is
	// another tenant's). A --replace never loses such a row.
	AlsoOwned string
	// Path is the foreign-key chain to the tenant (fk-owned) or the reason
	// for the table's role; names only.
	Path string
	// Depth is the number of foreign-key hops from a tenant-owned table
	// (fk-owned) or from an exported table (reference).
	Depth int
	// Cycle is non-zero for members of a foreign-key cycle; SelfRef marks a
	// table with a foreign key to itself.
	Cycle   int
	SelfRef bool
	// BatchSelect selects the rows of every tenant of a batch at once (see
	// BindBatch), each row led by its tenant's 1-based position in the
	// batch, column arca_batch; empty for a schema table, which is never
	// shared between tenants.
	BatchSelect string
	// BatchRowsSelect, for a reference table, selects the rows
	// BatchReferences found for it, bound with BindBatchRows: a row-id
	// join instead of the closure again.
	BatchRowsSelect string
}

// Identifier is the table's quoted-ready name.
func (t Table) Identifier() pgx.Identifier { return pgx.Identifier{t.Schema, t.Name} }

// ColumnList is the quoted, comma-separated list of exported columns.
func (t Table) ColumnList() string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = "t." + pgx.Identifier{c.Name}.Sanitize()
	}
	return strings.Join(names, ", ")
}

// SelectSQL selects the tenant's rows. Run it after Bind.
func (t Table) SelectSQL() string {
	return "SELECT " + t.ColumnList() + " FROM " + t.Identifier().Sanitize() + " AS t WHERE " + t.Where
}

// CopySQL streams the tenant's rows as CSV with a header row. Run it after
// Bind.
func (t Table) CopySQL() string {
	return "COPY (" + t.SelectSQL() + ") TO STDOUT WITH (FORMAT csv, HEADER)"
}

// BatchCopySQL streams the rows of every tenant of the batch as CSV with a
// header row, each record led by its tenant's position in the batch (one
// read of the table for the whole batch). Run it after BindBatch.
func (t Table) BatchCopySQL() string {
	return "COPY (" + t.BatchSelect + ") TO STDOUT WITH (FORMAT csv, HEADER)"
}

// BatchRowsCopySQL is BatchCopySQL for the rows bound with BindBatchRows.
func (t Table) BatchRowsCopySQL() string {
	return "COPY (" + t.BatchRowsSelect + ") TO STDOUT WITH (FORMAT csv, HEADER)"
}

// DeleteSQL deletes the tenant's rows before a --replace restore loads
// them; ok is false for roles whose rows are never deleted row by row
// (reference rows, and schema tables, which go with their schema). Run the
// deletes in reverse plan order, after Bind.
func (t Table) DeleteSQL() (sql string, ok bool) {
	if !t.Role.Owned() {
		return "", false
	}
	return "DELETE FROM " + t.Identifier().Sanitize() + " AS t WHERE " + t.Where, true
}
