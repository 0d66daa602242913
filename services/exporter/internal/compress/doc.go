// Package compress turns the exporter's plaintext stream into compressed
// parts: one zstd frame per part, each part cut once its compressed size
// reaches a target. So every part but the last is at least the target (the
// object store's multipart minimum and more), staging carries compressed
// bytes, and the encryptor only encrypts (docs/format.md §1.4).
//
//	archive / pg_dump ──► Writer ──zstd frame──► staging.PartWriter ──Cut──► part n
package compress
