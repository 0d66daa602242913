// Package catalog is the coordinator's record of runs, jobs, backups, stage
// events, verifications, drills and restores, in PostgreSQL (schema
// arca_catalog, migrated at start by Migrate).
//
// It is a cache of the truth, never the truth itself: the bucket's
// manifests say which backups exist (Rebuild restores the backups table from
// them) and the EVENTS stream says what happened to each job. Events flow in
// through Apply, which is idempotent (keyed by the event's Nats-Msg-Id) and
// moves a job's state only forward:
//
//	queued → running → committed → verified
//	               ↘        ↘
//	                failed | dead_lettered      (skipped, expired: never ran)
//
// A run is done when none of its jobs is in flight (queued, running,
// committed); failed if any of them failed, dead-lettered or expired.
package catalog
