// Package prune carries out the retention policy on a bucket.
//
// A run lists the committed backups (a folder with a manifest.json) under
// tenants/, full/ and base/, reads and authenticates each manifest and its
// verification with the keyring (verified.json, or the catalog through
// Verifications), asks retention.Policy.Plan what to keep, and deletes the
// rest. A manifest that is refused (docs/format.md §9) is reported as a
// problem and never deleted, and nothing else of its tenant (or kind) is
// deleted in that run: the plan was made without it. A deletion
// removes the manifest first, so that a backup deleted halfway is no longer
// a backup, then the data object, verified.json and whatever else is in the
// folder. Before that it reads the data object's Object Lock state: a
// locked artifact keeps its manifest. A delete the store refuses because of
// Object Lock is reported as locked, not as a failure of the run, and the
// backup stays.
//
// The run also removes orphans (folders without a manifest, the leftovers of
// interrupted deletions and of uploads never committed) once they are older
// than OrphanAge, aborts multipart uploads initiated more than StaleUploadAge
// ago, and hands the base backups it kept to a WALPruner, which deletes the
// WAL segments none of them needs. A dry run reads everything and changes
// nothing. The Report says what was (or would be) deleted and why, and how
// many bytes that frees.
package prune
