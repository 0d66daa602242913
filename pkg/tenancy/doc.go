// Package tenancy knows how a multi-tenant PostgreSQL database divides its
// rows among tenants, and turns that into one SELECT per table for a given
// tenant. The export streams those SELECTs through COPY; a restore reuses the
// same Plan to know which rows to delete before loading (--replace).
//
// Configuration names only the few facts a catalog cannot tell (Config: the
// tenants' registry table, the tenant column names, the shared schemas,
// excluded tables, per-foreign-key ownership overrides). Everything else is
// discovered from pg_catalog by Discover, under whatever snapshot the
// caller's transaction holds. A tenant's backup is a closed set of rows, and
// each table takes one or two of five roles (Role):
//
//   - tenant-row: the tenant's own row of the registry (TenantTable);
//   - schema-table: every row of every table in the tenant's own schema,
//     matched by exact name (tenant_a_1 is never part of tenant_a);
//   - tenant-owned: rows of shared tables whose tenant column equals the
//     tenant id (rows with a NULL tenant column belong to no tenant);
//   - fk-owned: rows of shared tables reachable from owned rows along
//     ownership foreign keys, at any depth, through ANY owned parent: a row
//     is owned by every tenant that owns one of its ownership parents. By
//     default a foreign key owns when its columns are NOT NULL or it is ON
//     DELETE CASCADE; nullable audit references (createdBy, revokedBy) only
//     refer. Config.Ownership overrides either way;
//   - reference: every row that exported rows point at and the tenant does
//     not own, whatever its table (a platform users table, another
//     tenant's row a shared link points at, a NULL-tenant row), closed
//     upwards. A restore inserts them where missing and never deletes or
//     overwrites them. A table can be both owned and reference; its
//     reference selection excludes the owned rows.
//
// Report (Inspect) runs every tenant's plan to count rows owned by two
// tenants and rows of owned tables owned by none, with the plan's warnings
// (tenant-key-like columns not configured, tenant columns without an
// index): what `arca tenancy plan` prints.
//
// # The tenant id never enters SQL text
//
// COPY (query) TO STDOUT cannot take bind parameters, so every selection
// reads the tenant id from a custom setting: current_setting('arca.tenant_id')
// cast to the tenant column's type. Bind sets it with set_config($1, ...,
// true) as a bind parameter, local to the transaction. A malicious id is
// therefore only ever data; an id that is not valid for a column's type
// (not a uuid, say) fails the cast with a clear error.
//
// # Finite selections over cycles
//
// Each table's selection is a common table expression (a node) naming its
// rows by (tableoid, ctid) and carrying its join columns; a Table.Where is
// "(t.tableoid, t.ctid) IN (WITH <the nodes it needs, once each> ...)", so
// the SQL grows with the tables, not with the paths between them. Tables
// that select their rows by themselves (registry, tenant column, schema)
// keep a plain predicate. An fk-owned selection follows every
// ownership parent in another strongly connected component of the
// ownership graph, and within its own component only parents strictly
// closer to the tenant (breadth-first depth), so selections are finite even
// when foreign keys form cycles; reference selections do the same over the
// graph of reference tables. A self-referencing fk-owned table also takes
// rows reachable through its ownership self-references (a recursive CTE): a
// reply belongs to the tenant whose message it replies to; a
// self-referencing reference table is closed upward the same way. Each
// owned table also has an owner expression (Table.Owner), the owning
// tenant's id or NULL, that a restore uses to tell an orphan from another
// tenant's row.
//
// # Restore order
//
// Plan.Tables is topologically ordered over the foreign keys between them,
// parents first, ties broken by name so that the order is stable; a table's
// reference rows come before its owned rows. Tables in a foreign-key cycle
// (a strongly connected component of two or more) share a non-zero Cycle
// number; a self-referencing table has SelfRef set. A --replace restore
// deletes in reverse order, children first, while the parents that the
// fk-owned selections join through still exist.
package tenancy
