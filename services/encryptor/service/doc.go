// Package service is the encryptor's place in the pipeline: it takes a
// plaintext part from staging, seals it (zstd, then AES-256-GCM segments
// under a fresh data key wrapped by the tenant's or the default key), puts
// the sealed part back into staging, announces it to the uploaders and
// deletes the plaintext. The encryptor holds key access and staging access
// only: no database, no bucket.
package service
