// Package pitrstage is the restorer: a job worker that takes
// TenantRestoreRequested jobs (messages.SubjectRestore) and runs a tenant
// point-in-time restore (pkg/restore/tenantpitr) for each, exporting the
// tenant from the scratch cluster with the exporter's own code
// (tenantexport). Anything that publishes the message schedules a restore:
// the coordinator, an operator's tool.
//
// What it records, under the delivery's trace (pkg/jobs):
//
//	events.<tenant>.<id>.restore.started
//	events.<tenant>.<id>.restore-step.started    attrs step            (each step, in order)
//	events.<tenant>.<id>.restore-step.succeeded  attrs step, detail; duration
//	events.<tenant>.<id>.restore.succeeded       attrs rto, base_backup, recovered_to, rows, scratch_removed
//
// A moment that base backups and WAL do not cover, or a malformed request,
// fails at once (jobs.Permanent): a retry cannot help. Other failures are
// retried (MaxDeliver 3 by default: each attempt recovers a whole cluster),
// and the live database is unchanged by a failed attempt.
package pitrstage
