// Package backup defines what a committed backup is in the bucket: where its
// objects live (Layout) and the manifest.json written last, which is the
// commit point. A backup exists only if its manifest exists. The manifest
// holds everything needed to verify and restore the backup with the bucket
// and the key alone, and the catalog can be rebuilt from manifests.
package backup
