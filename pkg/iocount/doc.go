// Package iocount counts the bytes that pass through a reader or a writer:
// the plaintext a seal reads, the sealed payload it writes, the frame a
// compressor has written so far, what pg_basebackup sent. The counters are
// plain fields, not safe for concurrent use, like the streams they wrap.
package iocount
