// Package fsstore is an objstore.Store on a local directory: the embedded
// default (arca dev), operators who back up to a mounted disk, and tests that
// don't need S3.
//
// An object is a plain file at <dir>/<key>, so a restore needs nothing but the
// directory. What S3 keeps beside the bytes lives under <dir>/.arca:
//
//	.arca/meta/<key>.json        checksums, storage class, tags, Object Lock
//	.arca/uploads/<id>/          a multipart upload: upload.json and its parts
//	.arca/tmp/                   files being written, renamed into place
//	.arca/lock                   flock held while an object changes
//
// Writes go to a temporary file that is fsynced and renamed into place, so an
// object appears whole or not at all. Object Lock is emulated: Delete, and a
// Put over the key, fail with *objstore.LockedError before the retention date.
// Processes sharing the directory coordinate with flock(2), so it must be a
// local filesystem (or NFS with working locks). A key cannot be both an object
// and a prefix of other keys ("a" and "a/b"), unlike S3.
package fsstore
