// Package restore puts backups back into PostgreSQL: one tenant from its
// archive (Tenant), or a whole database from a logical full dump (Full).
//
// # What flows through a tenant restore
//
//	object ──verify.Stream (object SHA-256, seal auth, plain SHA-256)──► archive.Reader (file SHA-256, rows)
//	  shared-schema.sql ──► ModeTarget: the shared schemas' types, functions, tables, where missing
//	  schema.sql ─────────► executed (pre-data: types, functions, tables, sequences)
//	  data/NNN_*.csv ─────► COPY FROM STDIN, in restore order (reference and owned rows via temp tables)
//	  shared-schema-post.sql ► ModeTarget: their keys, indexes, triggers where missing; setval
//	  schema-post.sql ────► executed (constraints, indexes, triggers, setval)
//	  end of stream ──────► verify.Stream.Finish: the last part authenticated ──► COMMIT
//
// Everything happens in ONE transaction on a connection of its own. The
// object is read once: the archive reader checks each file as it ends (a
// COPY fed a mismatching file is aborted), and the seal reader authenticates
// the last part only at the very end, so the restore commits only after
// Finish returned nil; any failure — a tampered byte, a failing row, a
// cancelled context, a dropped connection — rolls back and the database is
// exactly as before. VerifyThenRestore reads the object twice instead
// (verify pass, then restore), for callers that want the refusal before
// any statement runs.
//
// # Targets
//
//   - ModeReplace: in the source database. Discovery (pkg/tenancy) runs in
//     that database, now, and the tenant's rows of shared tables are
//     deleted in replica mode, children first, each deleted row kept in a
//     temporary table; the tenant's schema is dropped (CASCADE) and
//     recreated from schema.sql, the rows loaded, then schema-post.sql.
//     Replica mode means no ON DELETE CASCADE or SET NULL reaches a row
//     outside the tenant's selection; before commit, every foreign key
//     pointing at a deleted row is checked, and a row left pointing at a
//     deleted row that the backup did not bring back fails the restore
//     (the replace invariant: what the delete removes comes back, or
//     nothing changes). Owned rows are loaded through a temporary table:
//     a live row under the same primary key that no tenant owns (an
//     orphan whose tenant column was SET NULL when the tenant was deleted)
//     is replaced; one another tenant owns fails the restore, naming the
//     table, the key and the owner. Reference rows are only inserted. A
//     deleted row the backup lacks that another tenant also owns (a link
//     made since the backup) is put back: never lost (Result.Kept).
//   - ModeTarget: another database. The tenant's schema must not exist
//     there, and no shared table may hold any of the tenant's rows (the
//     archive's selections, run there): a second restore is refused, not
//     duplicated. shared-schema.sql and shared-schema-post.sql (the DDL of
//     the shared schemas, from pg_dump under the export's snapshot) create,
//     object by object under savepoints, whatever the target lacks: types,
//     functions, tables with their defaults, keys, indexes and triggers.
//     Archives without that DDL fall back to bare tables from the
//     manifest's columns (a missing type becomes text, with a warning).
//   - ModeIntoSchema: side by side in the same database. The live schema is
//     renamed away inside the transaction, schema.sql recreates the
//     original name, and at the end the restored schema is renamed to the
//     requested name and the live one back; no other session ever sees the
//     swap. Shared-table rows go into new tables of the new schema named
//     "<schema>__<table>". Function bodies are text: any that name the
//     schema explicitly still name the live one.
//
// # Triggers and foreign keys
//
// Tenant schema tables are loaded before schema-post.sql creates their
// triggers, indexes and constraints, so no trigger fires on them and their
// foreign keys are validated when added. Shared tables keep their triggers:
// rows are loaded under SET LOCAL session_replication_role = replica, so
// audit or validation triggers neither alter nor reject restored rows
// (this needs a superuser, or GRANT SET ON PARAMETER
// session_replication_role). Replica mode also skips foreign-key checks, so
// afterwards every foreign key of every loaded shared table is checked over
// the restored rows (the table's selection from the manifest); a violation
// fails the restore. Deletes run in replica mode too, so that they never
// cascade; the foreign keys pointing at deleted rows are checked instead.
// The transaction runs with jit = off: the selections are deep semi-joins
// that JIT compiles for seconds and runs in milliseconds.
//
// # Reference rows
//
// Shared rows the tenant points at are copied into a temporary table and
// inserted with INSERT ... ON CONFLICT DO NOTHING (or, on a table without a
// unique key, where no identical row exists): never overwritten, never
// deleted.
package restore
