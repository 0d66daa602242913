package cli_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

type pdEvent struct {
	RoutingKey string `json:"routing_key"`
	Action     string `json:"event_action"`
	DedupKey   string `json:"dedup_key"`
	Links      []struct {
		Href string `json:"href"`
	} `json:"links"`
	Payload struct {
		Summary  string            `json:"summary"`
		Severity string            `json:"severity"`
		Details  map[string]string `json:"custom_details"`
	} `json:"payload"`
}

// arca alerter --dry-run prints the Events API v2 events the alerting
// configuration would send for what is in the streams: each severity's
// routing key from its own variable (shown as $NAME, never read), runbook
// links under the configured base URL, the staleness threshold and the
// storm threshold of the configuration; it sends nothing.
func TestAlerterDryRunPrintsTheEventsItWouldSend(t *testing.T) {
	ctx := t.Context()
	srv := teststack.NewNATS(t)
	_, js := teststack.Connect(t, srv.URL)
	require.NoError(t, jobs.EnsureStreams(ctx, js, jobs.StreamOptions{}))
	pub := jobs.NewPublisher(js)
	now := time.Now().UTC()
	// acme's export failed; beta's last backup is 30 hours old (stale
	// after 26h); gamma's is 2 hours old (fresh); five tenants failed
	// verification (a storm at threshold 3).
	require.NoError(t, pub.Event(ctx, messages.Event{Tenant: "acme", Kind: messages.KindTenant, BackupID: "b-acme", Stage: messages.StageExport, Status: messages.StatusFailed, Error: "copy: connection reset", Time: now.Add(-time.Minute)}))
	require.NoError(t, pub.Event(ctx, messages.Event{Tenant: "beta", Kind: messages.KindTenant, BackupID: "b-beta", Stage: messages.StageVerify, Status: messages.StatusSucceeded, Time: now.Add(-30 * time.Hour)}))
	require.NoError(t, pub.Event(ctx, messages.Event{Tenant: "gamma", Kind: messages.KindTenant, BackupID: "b-gamma", Stage: messages.StageVerify, Status: messages.StatusSucceeded, Time: now.Add(-2 * time.Hour)}))
	for i := range 5 {
		tenant := fmt.Sprintf("v%d", i)
		require.NoError(t, pub.Event(ctx, messages.Event{Tenant: tenant, Kind: messages.KindFull, BackupID: "b-" + tenant, Stage: messages.StageVerify, Status: messages.StatusFailed, Time: now.Add(-time.Minute)}))
	}

	// A dead letter for delta (the uploader gave up): read from DLQ.
	dl := messages.DeadLetter{V: messages.Version, Stage: messages.StageUpload, Subject: "jobs.upload.b-delta.1", Reason: "gave up",
		Deliveries: 5, About: messages.Ref{Tenant: "delta", Kind: messages.KindTenant, BackupID: "b-delta"}, Time: now.Add(-time.Minute)}
	require.NoError(t, pub.Publish(ctx, messages.DLQSubject(messages.StageUpload), dl, "dlq-b-delta"))

	dir := t.TempDir()
	t.Setenv("ARCA_NATS_URL", "")
	t.Setenv("PD_CTO", "")
	env := arcaEnv{t: t, config: filepath.Join(dir, "arca.yaml"), dir: dir}
	writeConfig(t, env.config, fmt.Sprintf(`dir: %s
nats: {url: %q}
alerting:
  pagerduty: {routing_key_env: PD_DEVOPS, routing_key_env_by_severity: {critical: PD_CTO, high: PD_LEAD}}
  runbook_base_url: https://runbooks.example.com/arca/
  stale_after: {tenant: 26h}
  drill_overdue_after: 1000d
  storm_threshold: 3
`, dir, srv.URL))
	out, stderr, err := env.run(ctx, "--json", "alerter", "--dry-run")
	require.NoError(t, err, stderr)
	var events []pdEvent
	require.NoError(t, json.Unmarshal([]byte(out), &events), out)
	byCheck := map[string][]pdEvent{}
	for _, e := range events {
		byCheck[e.Payload.Details["check"]] = append(byCheck[e.Payload.Details["check"]], e)
		require.Equal(t, "trigger", e.Action)
		require.Len(t, e.Links, 1)
		require.Regexp(t, `^https://runbooks\.example\.com/arca/[a-z-]+\.md$`, e.Links[0].Href)
	}
	require.Len(t, events, 4, out)
	require.Len(t, byCheck["dead-lettered"], 1, out)
	require.Equal(t, "delta", byCheck["dead-lettered"][0].Payload.Details["tenant"])
	require.Len(t, byCheck["backup-failed"], 1, out)
	failed := byCheck["backup-failed"][0]
	require.Equal(t, "acme", failed.Payload.Details["tenant"])
	require.Equal(t, "$PD_CTO", failed.RoutingKey)
	require.Equal(t, "critical", failed.Payload.Severity)
	require.Equal(t, "https://runbooks.example.com/arca/backup-failed.md", failed.Payload.Details["runbook"])
	require.Len(t, byCheck["backup-stale"], 1, "beta only; gamma is fresh: %s", out)
	require.Contains(t, byCheck["backup-stale"][0].Payload.Summary, "beta")
	require.Len(t, byCheck["verification-failed"], 1, "the storm absorbs each tenant's incident: %s", out)
	storm := byCheck["verification-failed"][0]
	require.Equal(t, "arca/verification-failed/full/storm", storm.DedupKey)
	require.Equal(t, "https://runbooks.example.com/arca/alert-storm.md", storm.Payload.Details["runbook"])
	require.Equal(t, "5", storm.Payload.Details["count"])

	// Text: one JSON object a line and a summary on stderr; nothing sent,
	// nothing recorded: a second dry run prints the same.
	text, stderr, err := env.run(ctx, "alerter", "--dry-run")
	require.NoError(t, err)
	require.Contains(t, stderr, "4 event(s) would be sent; nothing was sent")
	var first pdEvent
	require.NoError(t, json.Unmarshal([]byte(text[:len(text)-len(text[indexNewline(text):])]), &first))
}

func indexNewline(s string) int {
	for i, r := range s {
		if r == '\n' {
			return i
		}
	}
	return len(s)
}
