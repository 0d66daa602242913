// Package tenantpitr restores one tenant of a shared database as it was at
// any second the WAL archive covers, touching no other tenant.
//
// What flows through it:
//
//	base/<id> (newest before At) ─pkg/wal/pitr─► scratch pgdata (0700, archive_mode=off)
//	pg_ctl start (unix socket only, free port, trust for local only) ─► recovery to At, promote
//	scratch cluster ─Export (the exporter's tenant export, same tenancy plan)─► archive (tar)
//	tar ─seal (ephemeral key, in memory only)─► spool file in the scratch directory
//	spool ─pkg/restore.Tenant (--replace, --target or --into-schema)─► live database, one transaction
//	pg_ctl stop -m immediate; the scratch directory removed, on success, failure or cancellation
//
// The scratch cluster never archives (archive_mode=off, archive_command
// cleared): a restored cluster must never push a new timeline into the
// production archive. It listens on no TCP address, only on a unix socket
// in a private directory, and is stopped and removed however the restore
// ends; a process killed outright leaves an arca-tenantpitr-* directory
// behind (docs/runbooks/tenant-pitr.md says how to clean it).
//
// The plaintext the export produces never rests on disk: it is sealed with
// a key that lives only in this process's memory. The scratch data
// directory itself is plaintext, like the source's: put TempDir on an
// encrypted volume.
//
// Recovery is PostgreSQL's own: recovery_target_time = At, inclusive, so
// every transaction committed at or before At is restored and none after;
// the tenant restore then replaces exactly the tenant's closed set of rows
// (pkg/tenancy). The export is the exporter's code, injected as an
// ExportFunc so that this module does not depend on the exporter's.
package tenantpitr
