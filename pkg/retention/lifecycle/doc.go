// Package lifecycle derives S3 bucket lifecycle rules from the retention
// policy, renders them (JSON for the AWS CLI, XML as the S3 API takes it)
// and applies them to a bucket, for servers that support lifecycle rules
// (AWS S3 does; versitygw does not).
//
// The rules are a backstop and a cost tool, not the retention itself:
// prune decides what to delete, because only it knows which backup is the
// newest verified one and which tenants are under legal hold. So Derive
// always emits the rule that aborts incomplete multipart uploads, emits
// transitions of the large objects (artifacts, never the small manifests,
// which must stay readable) to an archive class once a kind's operational
// window ends, and emits expiration rules only when asked, for kinds whose
// age limit is bounded and that no legal hold covers.
package lifecycle
