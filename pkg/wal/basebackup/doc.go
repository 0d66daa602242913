// Package basebackup takes physical base backups of a PostgreSQL cluster
// into the bucket and lists them.
//
// What flows through it:
//
//	pg_basebackup -D - -Ft -X none ─tar─┬─► sniff: backup_label, PG_VERSION, backup_manifest (WAL-Ranges)
//	                                    └─► cut into PartSize parts ─► sealed by Parallelism workers ─► in order ─► Store.Put base/<id>/data.arca (size -1)
//	                                        then base/<id>/manifest.json (kind "base", Facts in Export): the commit point
//
// -X none: the backup holds no WAL of its own. With archive_mode on, the
// server's pg_backup_stop waits until the backup's last segment and its
// .backup history file are archived, so pg_basebackup returns only once the
// archive can make the backup consistent (a cluster that cannot archive makes
// the backup hang, then fail, rather than produce a useless one). One tar on
// stdout needs a cluster without tablespaces; pg_basebackup refuses
// otherwise.
//
// The backup goes straight to the store, not through the NATS pipeline: it
// is one stream from one process, sealed in parts of PartSize plaintext bytes
// (each under its own data key, like the pipeline's parts) and uploaded by
// one Put of unknown size, which the S3 store turns into a multipart upload.
// Compression and encryption are most of its CPU, so Parallelism parts are
// sealed at once (pgBackRest's process-max) while the next is read and the
// previous one uploaded. Memory stays at 2×(Parallelism+2) parts' worth
// (Parallelism+2 plaintext buffers and as many sealed ones, 16 MiB each by
// default) whatever the cluster size. The parts are
// sealed with Last=false, followed by an empty part marked Last, because the
// end of a stream is known only after it; a truncated artifact still fails
// authentication.
//
// Start position, checkpoint, timeline and label come from backup_label;
// the stop position from the WAL-Ranges of the backup_manifest that
// pg_basebackup appends to the tar. Times are the clock of the host running
// the backup (StopTime is taken after pg_basebackup returned, so it is never
// earlier than the server's stop), which is what point-in-time recovery
// compares targets with.
package basebackup
