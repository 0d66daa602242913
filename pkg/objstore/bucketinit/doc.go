// Package bucketinit creates or checks the bucket backups go to: it exists,
// versioning is on, Object Lock has a default retention, the lifecycle
// rules are the ones derived from the retention policy, objects are
// encrypted by default and public access is blocked. Each setting is read
// first and written only when it differs, and each comes back in the
// Report as applied, already set, unsupported by this server, or failed:
// a setting is never reported applied when the server refused it.
//
// It talks to S3 through the small API interface (an *s3.Client satisfies
// it); `arca bucket init` is its command.
package bucketinit
