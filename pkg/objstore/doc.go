// Package objstore is the object store Arca keeps its backups in: sealed
// artifacts, their manifests and WAL segments.
//
// What flows through it: the uploader streams sealed parts into a multipart
// upload (several uploader replicas may each upload some parts of the same
// upload, and any one of them completes it), then writes manifest.json with
// Put (the commit point); the verifier and restore read objects back with
// Get; retention lists, stats and deletes them, and aborts stale multipart
// uploads found by ListMultipartUploads.
//
// [Store] is the one interface, with its guarantees written on each method.
// Implementations: s3store (any S3-compatible endpoint) and fsstore (a local
// directory). storetest is the conformance suite both pass. Sizes and limits
// that callers plan with (part sizes, the 10,000-part limit, the largest
// artifact) are in partsize.go.
package objstore
