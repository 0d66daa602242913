// Package formatdoc is a second reader of the objects Arca stores, written
// from docs/format.md alone so that tests can prove the page is enough to
// open every kind of object: the keyring file, the sealed artifacts (tenant
// export, full dump, base backup, WAL file), manifests and verification
// records. It imports nothing of Arca: only the Go standard library (AES-GCM,
// HKDF, SHA-256, JSON, base64), a zstd decoder (RFC 8878; klauspost/compress)
// and scrypt (golang.org/x/crypto). The Tink streaming AEAD of §1.3 is
// decrypted by hand, segment by segment, as the page describes it.
//
// Arca itself never uses this package: pkg/seal and pkg/backup are the
// readers in production. It keeps whole objects in memory, which suits
// tests, not backups.
package formatdoc
