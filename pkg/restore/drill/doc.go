// Package drill proves backups restorable by restoring them: for a sample of
// tenants it takes each one's newest backup from a Source, restores it into
// a scratch database of its own (restore.ModeTarget), checks every table's
// row count against the manifest, fingerprints every table, runs the
// configured smoke queries, drops the scratch database, and records the
// measured restore time (RTO). The outcome is a Report (JSON) with a
// readable Summary.
//
// What the manifest can vouch for: every CSV loaded matched the manifest's
// SHA-256 and row count (the restore verifies each file as it streams), the
// sealed object authenticated, and the restored tables hold exactly the
// manifest's row counts. The manifest carries no row fingerprint, so the
// fingerprints in the report are for comparison with later drills or with
// the source; see the report to the lead.
package drill
