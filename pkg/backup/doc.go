// Package backup defines what a committed backup is in the bucket: where its
// objects live (Layout) and the manifest.json written last, which is the
// commit point. A backup exists only if its manifest exists. The manifest
// holds everything needed to verify and restore the backup with the bucket
// and the key alone, and the catalog can be rebuilt from manifests.
//
// What flows through it:
//
//	writer: Manifest ─Layout.SealManifest(keys)─► envelope {arca, format_version, kind, backup_id, sealed} ─► Put <key>
//	reader: Get <key> ─Layout.OpenManifest(key, keys)─► Manifest, or a *MetadataError (refused)
//
// Manifests and verification records (verified.json) are sealed with
// pkg/seal under the primary key of the backup's scope, for an artifact id
// that binds their full object key, the backup's kind, id and tenant
// (docs/format.md §9). A manifest moved, copied, swapped, edited or in the
// plaintext format 1 does not open. Repository is the one reader that
// lists, finds and authenticates them for the CLI, the verifier, the
// catalog rebuild and retention: a refused manifest is reported by key and
// skipped when listing, and refused when one backup is asked for.
package backup
