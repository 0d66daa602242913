// Package service is the encryptor's place in the pipeline: it takes a
// part from staging, seals it (AES-256-GCM segments under a fresh data key
// wrapped by the tenant's or the default key; the exporter compressed the
// part already, PartReady version 2, and only a version-1 plaintext part
// from an older exporter is compressed here), puts
// the sealed part back into staging, announces it to the uploaders and
// deletes the plaintext. The encryptor holds key access and staging access
// only: no database, no bucket.
package service
