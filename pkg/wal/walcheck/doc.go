// Package walcheck is the WAL check as arca wal-check and the coordinator's
// schedule run it: the archive after every base backup
// (basebackup.CheckWAL) and, when wal-receive streams, its replication slot
// and stream on the primary (receive.Check). Each outcome is recorded as an
// event (wal-archive, wal-slot, wal-stream) that the alerter pages on.
package walcheck
