// Package agent is the WAL archive agent: a long-lived local process that
// holds the keys unlocked and archives the segments `arca wal-push` hands it
// over a unix socket, several at a time.
//
// What flows through it:
//
//	archive_command → wal-push ─{path}─► socket ─► Agent: wal.Push (the same
//	                  guards, seal, Put) ─► bucket ─{result}─► wal-push exit 0
//	                                     └─ look-ahead: the next .ready files
//	                                        in pg_wal/archive_status, pushed
//	                                        early, their results kept
//
// # Why
//
// A wal-push process per segment pays a keyring load (scrypt, about half a
// second) before it can seal anything. The agent pays it once.
//
// # Protocol
//
// One request per connection on the stream socket <dir>/wal-agent.sock
// (mode 0600 in a directory of mode 0700): the client writes one JSON line,
// Request, and reads one JSON line, Response. The connection is the
// promise: the agent writes Response only after wal.Push returned, so a
// client that reads Error "" knows the segment is durable in the bucket (the
// same promise as wal.Push, see package wal). A client that reads nothing
// (the agent died, was killed, or closed the connection) must treat it as a
// failure: archive_command exits non-zero and PostgreSQL retries.
//
// A Response with Declined set means the agent did not archive the file
// and cannot now (its keyring is behind the announced epoch, or it is
// shutting down): the client archives it itself, exactly as without an
// agent. Push returns ErrNoAgent for that and for an agent that is not
// running, and nothing else.
//
// # Look-ahead
//
// PostgreSQL archives one file at a time. When a request arrives, the agent
// also starts pushing (at most Parallel at once) the next files whose .ready
// marker is in archive_status, and keeps their results. When PostgreSQL
// asks for one of them, the answer is ready if the file is still the one
// that was pushed (same inode, size and modification time); otherwise it is
// pushed again. A look-ahead push that failed is forgotten: the request
// pushes the file itself and reports its own error.
package agent
