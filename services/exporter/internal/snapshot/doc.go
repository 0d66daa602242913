// Package snapshot opens the one consistent snapshot an export reads under:
// a coordinating REPEATABLE READ READ ONLY transaction exports it with
// pg_export_snapshot(), and every other session (parallel COPY workers,
// pg_dump --snapshot) imports it with SET TRANSACTION SNAPSHOT. The
// coordinating transaction must stay open until they have all started.
package snapshot
