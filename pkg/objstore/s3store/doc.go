// Package s3store is the objstore.Store on any S3-compatible endpoint (AWS,
// versitygw, Ceph RGW...), with aws-sdk-go-v2.
//
// What flows through it: every request goes through the SDK's retryer in
// adaptive mode, then, on each attempt, through a process-wide
// throttle.Limiter (503 SlowDown and 429 slow every store sharing it; see
// package throttle for the fleet) and an Observer that counts retries and
// throttles for metrics. Bodies carry x-amz-checksum-sha256, computed once
// and reused as the SigV4 payload hash, so the bytes are hashed once and
// checked by the server; whole-object GETs are checked against the stored
// checksum by the SDK.
//
// Delete removes every version of a key (delete markers included), so that
// in a versioned or Object Lock bucket deletion really deletes; a locked
// version makes it fail with *objstore.LockedError.
//
// Limits: parts of 5 MiB to 5 GiB, 10,000 parts, objects up to 5 TiB (see
// objstore.PartSize). Put sends objects up to Config.PartSize in one request
// and larger or unknown-size ones as a sequential multipart upload, holding
// one part in memory; an unknown-size Put can reach PartSize*10,000 bytes.
package s3store
