// Package service is the uploader's place in the pipeline. Sealed parts of one
// artifact become the parts of one S3 multipart upload, uploaded by
// whichever replicas take them, in parallel:
//
//  1. The first replica to see the artifact creates the multipart upload
//     and records it in the KV bucket "uploads" (a KV create: one wins; a
//     loser aborts its own upload id).
//  2. Each part is uploaded with its SHA-256 checksum and recorded.
//  3. The whole object's SHA-256 is chained in part order: after its upload,
//     each handler advances a head record (a marshalled SHA-256 state in KV,
//     updated by compare-and-set) over every part that is uploaded and next
//     in order, reading the sealed part from staging once more and deleting
//     it once hashed. No handler waits for another; uploads run in parallel,
//     only the cheap hashing is serial, and staging holds just the parts
//     that arrived ahead of the chain.
//  4. The handler whose advance hashes the last part commits: it claims the
//     backup (a KV create: one artifact attempt of a backup wins; another is
//     abandoned and aborted), completes the upload, writes manifest.json
//     (the commit point: sealed with the keyring and bound to its key,
//     docs/format.md §9), and publishes the committed event and the verify
//     job.
//
// Every step is idempotent, so a replica killed anywhere is replaced by a
// redelivery that finishes the work: completing an already completed upload
// is recognised, the manifest is rewritten with the same content (sealed
// afresh), and the
// publishes carry deterministic ids.
package service
