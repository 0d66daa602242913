package telemetry_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/telemetry"
)

// The S3 store takes the adapter as its observer.
var _ s3store.Observer = telemetry.S3Observer{}

func TestScrapeShowsEveryInstrumentAfterRecording(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := b.tel.Metrics

	m.Delivered(messages.StageEncrypt, 1)
	m.Finished(messages.StageEncrypt, telemetry.OutcomeRetry, 2*time.Second)
	m.Delivered(messages.StageEncrypt, 2)
	m.Finished(messages.StageEncrypt, telemetry.OutcomeAcked, 1500*time.Millisecond)
	m.Delivered(messages.StageUpload, 1)
	m.Finished(messages.StageUpload, telemetry.OutcomeDeadLettered, time.Second)
	m.Delivered(messages.StageUpload, 1) // still running
	m.BytesIn(messages.StageEncrypt, 64<<20)
	m.BytesOut(messages.StageEncrypt, 40<<20)
	m.Part(messages.StageEncrypt)
	m.S3().Retry("UploadPart", 1, context.DeadlineExceeded)
	m.S3().Throttled("UploadPart")

	committed := time.Date(2026, 11, 28, 1, 30, 0, 0, time.UTC)
	m.RecordEvent(messages.Event{V: 1, Tenant: "care-home-7", Kind: messages.KindTenant, Stage: messages.StageUpload,
		Status: messages.StatusSucceeded, Bytes: 123456789, Time: committed})
	m.RecordEvent(messages.Event{V: 1, Tenant: "care-home-7", Kind: messages.KindTenant, Stage: messages.StageVerify,
		Status: messages.StatusFailed, Time: committed.Add(time.Minute)})
	m.RecordEvent(messages.Event{V: 1, Kind: messages.KindFull, Stage: telemetry.StageDrill,
		Status: messages.StatusSucceeded, Time: committed.Add(time.Hour)})
	m.BackupSucceeded("care-home-7", "tenant", committed.Add(-24*time.Hour)) // older: ignored

	stop, err := m.WatchQueues(func(context.Context) (map[string]telemetry.QueueDepth, error) {
		return map[string]telemetry.QueueDepth{messages.StageUpload: {Pending: 12, Unacked: 3}}, nil
	})
	require.NoError(t, err)
	defer func() { require.NoError(t, stop()) }()

	f := b.scrape(t)
	enc := map[string]string{"stage": "encrypt"}
	up := map[string]string{"stage": "upload"}
	tenant := map[string]string{"tenant": "care-home-7", "kind": "tenant"}

	require.Equal(t, 1.0, value(t, f, "arca_job_duration_seconds", map[string]string{"stage": "encrypt", "outcome": "acked"}))
	require.Equal(t, 1.0, value(t, f, "arca_job_duration_seconds", map[string]string{"stage": "upload", "outcome": "dead_lettered"}))
	require.Equal(t, 2.0, value(t, f, "arca_job_deliveries_total", enc))
	require.Equal(t, 1.0, value(t, f, "arca_job_retries_total", enc))
	require.Equal(t, 1.0, value(t, f, "arca_job_failures_total", enc))
	require.Equal(t, 1.0, value(t, f, "arca_job_failures_total", up))
	require.Equal(t, 1.0, value(t, f, "arca_dead_letters_total", up))
	require.Equal(t, 0.0, value(t, f, "arca_jobs_in_flight", enc))
	require.Equal(t, 1.0, value(t, f, "arca_jobs_in_flight", up))
	require.Equal(t, float64(64<<20), value(t, f, "arca_stage_bytes_total", map[string]string{"stage": "encrypt", "direction": "in"}))
	require.Equal(t, float64(40<<20), value(t, f, "arca_stage_bytes_total", map[string]string{"stage": "encrypt", "direction": "out"}))
	require.Equal(t, 1.0, value(t, f, "arca_parts_total", enc))
	require.Equal(t, 1.0, value(t, f, "arca_s3_retries_total", map[string]string{"op": "UploadPart"}))
	require.Equal(t, 1.0, value(t, f, "arca_s3_throttles_total", map[string]string{"op": "UploadPart"}))
	require.Equal(t, 1.0, value(t, f, "arca_events_total", map[string]string{"stage": "verify", "status": "failed", "kind": "tenant"}))
	require.Equal(t, float64(committed.Unix()), value(t, f, "arca_backup_last_success_timestamp_seconds", tenant))
	require.Equal(t, 123456789.0, value(t, f, "arca_backup_last_size_bytes", tenant))
	require.Equal(t, float64(committed.Add(time.Hour).Unix()),
		value(t, f, "arca_drill_last_success_timestamp_seconds", map[string]string{"tenant": "", "kind": "full"}))
	require.Equal(t, 12.0, value(t, f, "arca_jobs_pending", up))
	require.Equal(t, 3.0, value(t, f, "arca_jobs_unacked", up))
	require.Equal(t, 0.0, value(t, f, "arca_dead_letters_total", map[string]string{"stage": "verify"}), "alerted counters start at zero")
	require.Contains(t, f, "go_goroutines")
	require.Equal(t, 1.0, value(t, f, "target_info", map[string]string{"service_name": "arca-test"}))
}

func TestAPartEventIsNotACommit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	part := 3
	b.tel.Metrics.RecordEvent(messages.Event{V: 1, Tenant: "t", Kind: messages.KindTenant, Stage: messages.StageUpload,
		Status: messages.StatusSucceeded, Part: &part, Bytes: 10, Time: time.Now()})
	f := b.scrape(t)
	require.Equal(t, 1.0, value(t, f, "arca_events_total", map[string]string{"stage": "upload", "status": "succeeded"}))
	require.NotContains(t, f, "arca_backup_last_success_timestamp_seconds")
}

// The S3 panels have a series before the first retry: rate() of a counter
// that appears with its first increment never shows that increment.
func TestS3CountersStartAtZero(t *testing.T) {
	t.Parallel()
	f := setup(t).scrape(t)
	for _, op := range []string{"PutObject", "GetObject", "UploadPart", "CompleteMultipartUpload"} {
		require.Equal(t, 0.0, value(t, f, "arca_s3_retries_total", map[string]string{"op": op}))
		require.Equal(t, 0.0, value(t, f, "arca_s3_throttles_total", map[string]string{"op": op}))
	}
}
