// Package wal archives PostgreSQL's write-ahead log into the bucket and
// brings it back for recovery.
//
// What flows through it:
//
//	archive_command  → Push:  pg_wal/<file> ─read, SHA-256─► seal ─► Store.Put wal/<timeline>/<file>
//	restore_command  → Fetch: Store.Get ─► seal.Reader (authenticates) ─► temp file ─rename─► %p
//	                                    └─ next N segments in parallel ─► spool dir (served by later calls)
//	verifier         → CheckContinuity: list wal/, every segment from each base backup's start to the newest
//	retention        → Expired: segments older than the oldest retained base backup's start
//
// # Direct upload, not the pipeline
//
// WAL goes straight from archive_command to the object store (seal + Put in
// the wal-push process), not through the NATS exporter → encryptor →
// uploader stages. A segment is at most 16 MiB and one Put is one request,
// so the pipeline's parts, back-pressure and fan-out buy nothing here, while
// a JetStream hop would add a second place where an acknowledged segment can
// be lost: JetStream acknowledges before fsync unless sync_interval is
// "always" and the stream is R3 (DESIGN §4 Durability). Direct upload keeps
// the guarantee simple.
//
// # Durability: what exit 0 of wal-push means
//
// Push returns nil only after Store.Put returned: for S3 that is a 200 to a
// PutObject whose x-amz-checksum-sha256 the server verified, which S3 only
// sends once the object is stored redundantly; for the filesystem store the
// object was written to a temporary file, fsynced, renamed into place and
// the directory fsynced. Either way a power cut of the database host, of
// the arca process or of the store after exit 0 cannot undo the archive of
// that segment, so PostgreSQL may recycle it. Before returning nil for an
// object that already exists, Push checks that it holds the same plaintext
// (its SHA-256 tag, or by opening it): a different file under the same name
// is an *ConflictError and a non-zero exit, and PostgreSQL keeps retrying
// and keeps the segment, which is what an operator must see.
//
// # The archive agent
//
// A wal-push process per file loads the keyring per file (scrypt). Package
// agent runs Push in a long-lived process that keeps the keys loaded:
// wal-push hands it the path over a unix socket and exits with its answer,
// which it writes only after Push returned, so exit 0 keeps the promise
// above; an agent that dies first leaves wal-push without an answer, and
// that is a non-zero exit. Push, the agent and wal-receive's PutFile share
// one put path (putPlain): the same conflict check, guards, seal and Put.
//
// # Exit codes of restore_command
//
// PostgreSQL treats exit status 1 of restore_command as "no such file" and
// ends recovery there, while a status above 125 aborts recovery. Fetch
// returns ErrNotFound (exit 1) only when the object does not exist; every
// other failure (authentication, a store that does not answer) must abort
// recovery (ExitCode gives 128), because ending recovery early would
// silently lose every transaction after the failing segment.
//
// # Prefetch
//
// restore_command runs one process per file, so a background prefetcher
// cannot outlive it without a daemon. Fetch instead fetches the requested
// segment and the next Prefetch segments in parallel in one batch and keeps
// the extras, already authenticated and opened, in a spool directory (by
// default beside %p, in pg_wal/arca-prefetch); the next calls find them there
// and return with a local rename. Replay waits for one batch of Prefetch+1
// parallel requests every Prefetch+1 segments instead of one request per
// segment.
package wal
