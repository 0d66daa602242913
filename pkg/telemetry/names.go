package telemetry

// Instrument names. The Prometheus exporter turns dots into underscores and
// appends the unit and, for counters, _total; the comments give the name
// Prometheus sees and its labels. deploy/prometheus/rules.yml and
// deploy/grafana/dashboards/arca.json use these names: change them together.
const (
	nameJobDuration   = "arca.job.duration"                  // arca_job_duration_seconds{stage,outcome} (histogram)
	nameJobsInFlight  = "arca.jobs.in_flight"                // arca_jobs_in_flight{stage}
	nameJobDeliveries = "arca.job.deliveries"                // arca_job_deliveries_total{stage}
	nameJobRetries    = "arca.job.retries"                   // arca_job_retries_total{stage}
	nameJobFailures   = "arca.job.failures"                  // arca_job_failures_total{stage}
	nameDeadLetters   = "arca.dead_letters"                  // arca_dead_letters_total{stage}
	nameStageBytes    = "arca.stage.bytes"                   // arca_stage_bytes_total{stage,direction}
	nameParts         = "arca.parts"                         // arca_parts_total{stage}
	nameEvents        = "arca.events"                        // arca_events_total{stage,status,kind}
	nameS3Retries     = "arca.s3.retries"                    // arca_s3_retries_total{op}
	nameS3Throttles   = "arca.s3.throttles"                  // arca_s3_throttles_total{op}
	nameLastSuccess   = "arca.backup.last_success.timestamp" // arca_backup_last_success_timestamp_seconds{tenant,kind}
	nameLastDrill     = "arca.drill.last_success.timestamp"  // arca_drill_last_success_timestamp_seconds{tenant,kind}
	nameLastSize      = "arca.backup.last_size"              // arca_backup_last_size_bytes{tenant,kind}
	nameJobsPending   = "arca.jobs.pending"                  // arca_jobs_pending{stage}
	nameJobsAckWait   = "arca.jobs.unacked"                  // arca_jobs_unacked{stage}
)

// Attribute keys (Prometheus labels).
const (
	keyStage     = "stage"
	keyOutcome   = "outcome"
	keyDirection = "direction"
	keyStatus    = "status"
	keyKind      = "kind"
	keyTenant    = "tenant"
	keyOp        = "op"
)
