// Package service is the Arca coordinator: `arca coordinator` and `arca
// dev` build one with New(Deps, Config) and supervise its Run, and the
// CLI's backup, list, status and catalog commands call its other methods.
// It restores, plans restores, applies retention and lists key versions
// itself, from the bucket, the keyring and the source it is given; drills,
// base backups and WAL checks reach it through Tasks.
//
// What flows through it:
//
//	SCHEDULES stream ──fire──► fan-out ──ExportRequested──► JOBS (jobs.export.<tenant>)
//	EVENTS stream ──────────► tracker ──► catalog (PostgreSQL, schema arca_catalog)
//	HTTP /v1/... ───────────► manual runs, catalog queries, restores
//
// Schedules are JetStream message schedules (cron with a time zone), kept
// in step with the configuration at start-up. Any number of replicas may
// run: a fire goes to one replica through a shared WorkQueue consumer, its
// run id derives from the schedule and the scheduled time, and every job
// carries a deterministic Nats-Msg-Id, so each fire fans out once even
// when a replica dies mid-fan-out. The catalog is a cache of the bucket:
// RebuildCatalog restores its backups from the manifests.
package service
