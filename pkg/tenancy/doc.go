// Package tenancy knows how a multi-tenant PostgreSQL database divides its
// rows among tenants, and turns that into one SELECT per table for a given
// tenant. The export streams those SELECTs through COPY; a restore reuses the
// same Plan to know which rows to delete before loading (--replace).
//
// Configuration names only the few facts a catalog cannot tell (Config: the
// tenants query, the tenant column names, the shared schemas, excluded
// tables). Everything else is discovered from pg_catalog by Discover, under
// whatever snapshot the caller's transaction holds. A tenant's tables take
// one of four roles (Role):
//
//   - schema-table: every row of every table in the tenant's own schema,
//     matched by exact name (tenant_a_1 is never part of tenant_a);
//   - tenant-owned: rows of shared tables whose tenant column equals the
//     tenant id (rows with a NULL tenant column belong to no tenant);
//   - fk-owned: rows of shared tables without a tenant column that hang off
//     tenant rows through foreign keys, at any depth: the selection is a
//     chain of EXISTS semi-joins, one per hop;
//   - reference: shared rows that exported rows point at (a platform users
//     table, global rows with a NULL tenant column). A restore inserts them
//     where missing and never deletes or overwrites them.
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
// # Ownership depth and self-references
//
// Ownership spreads from tenant-owned tables (and tables of the tenant's
// schema) along foreign keys, breadth first. A table's selection uses the
// foreign keys to parents strictly closer to the tenant, so selections are
// finite even when foreign keys form cycles. A self-referencing fk-owned
// table also takes rows reachable through the self-reference (a recursive
// CTE): a reply belongs to the tenant whose message it replies to. A
// self-referencing reference table is closed upward in the same way: a
// referenced user's manager is carried too.
//
// # Restore order
//
// Plan.Tables is topologically ordered over the foreign keys between them,
// parents first, ties broken by name so that the order is stable. Tables in a
// foreign-key cycle (a strongly connected component of two or more) share a
// non-zero Cycle number; a self-referencing table has SelfRef set. No order
// of whole tables can satisfy those constraints row by row, so a restore
// loads such tables with their foreign keys deferred (SET CONSTRAINTS ALL
// DEFERRED on DEFERRABLE keys) or re-validated after loading. A --replace
// restore deletes in reverse order, children first, while the parents that
// the fk-owned selections join through still exist.
package tenancy
