// Package pitr restores a cluster to a point in time from the bucket alone:
// the newest base backup before the target, then archived WAL replayed by
// PostgreSQL itself through restore_command (arca wal-fetch).
//
// What flows through it:
//
//	base/*/manifest.json ─Choose(target)─► base/<id>/data.arca ─seal.Reader─► tar ─► pgdata (0700)
//	postgresql.auto.conf += restore_command, recovery_target_*, recovery_target_action
//	recovery.signal
//	(optionally) pg_ctl start: PostgreSQL fetches WAL, stops at the target, promotes
//
// A base backup qualifies for a target when it ended before it: its stop
// time (Facts.StopTime) is not after a target time, its stop LSN not after a
// target LSN. Recovery cannot stop before the backup's end, so an earlier
// target has no base backup and is an *NoBackupError. The plaintext SHA-256
// of the tar is checked against the manifest, on top of the authentication
// of every sealed segment; a mismatch fails the restore.
//
// Every restored file is fsynced before Restore returns (in the background,
// a few at a time, while the tar goes on), then every directory, deepest
// first, and the one naming pgdata: a restore that said it succeeded survives
// a crash of the host, as pgBackRest's does.
//
// The restored server does not archive (archive_mode = off) unless
// KeepArchiving: after promotion it would archive a new timeline into the
// same archive, which is what an operator replacing a lost cluster wants and
// what a drill or a side-by-side restore must not do.
package pitr
