// Package verify proves a backup is what its manifest says, reading the
// object once, as a stream, in flat memory.
//
// What flows through it:
//
//	object bytes ──SHA-256 per part and whole, size──► seal.Reader ──plaintext──► SHA-256, size ──► archive.Reader
//	  (vs manifest.object)                          (authentication)          (vs manifest.plain)   (file SHA-256, rows)
//
// Stream is the single pass: it hashes the sealed bytes as they arrive
// (each part against manifest.object.parts, the whole against
// manifest.object), opens them with seal, and hashes the plaintext. A
// restore reads its plaintext and calls Finish at the end, which drains
// whatever is left so that seal authenticates the last part, then compares
// the totals. Backup walks a tenant archive (or drains a full dump) through
// a Stream and returns per-table facts.
//
// Every failure is a *Failure naming the backup, the stage that caught it
// (object, seal, archive, plain), and the part or file when known. The
// plaintext of authentic segments is released before later damage is
// found: whoever writes it somewhere must treat it as valid only once
// Finish returned nil.
package verify
