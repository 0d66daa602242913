// Package receive streams WAL from a primary over the physical replication
// protocol into the bucket (arca wal-receive), so the archive trails the
// primary by about a second instead of a segment or archive_timeout.
//
// What flows through it:
//
//	primary ─START_REPLICATION SLOT <slot> PHYSICAL─► XLogData ─► segment buffer (one segment, in memory)
//	  every Interval (or at once in Sync mode): buffer ─seal─► wal/<tl>/<segment>.stream   (replaced each time)
//	  segment complete:                          buffer ─seal─► wal/<tl>/<segment>          (as wal-push would)
//	                                                            then the .stream is deleted
//	standby status update: flush = the end of what is in the bucket
//
// # What the flush position promises
//
// The receiver reports as flushed only WAL that a Put returned for, so the
// replication slot (which moves to the reported flush position) keeps every
// byte not yet in the bucket on the primary, and with synchronous_commit and
// synchronous_standby_names naming the receiver's application_name a commit
// returns only once its WAL is in the bucket. Write position is what was
// received; apply position equals flush.
//
// # Restarts
//
// Nothing is kept locally. Every connection starts streaming at the start of
// the segment that holds the slot's restart_lsn (the last position reported
// flushed), so a restart of the receiver, of the primary or an outage of the
// bucket re-streams at most one segment and leaves no gap. A segment that
// wal-push archived meanwhile is not written again (same plaintext: left
// alone; another plaintext: *wal.ConflictError, and the receiver stops).
//
// # Partials in recovery
//
// wal.Fetch serves a segment's .stream, zero-padded to the segment size,
// when the segment itself is not archived: replay ends at the first zero
// record, where the stream ended.
package receive
