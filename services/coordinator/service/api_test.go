package service

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

func call(t *testing.T, srv *httptest.Server, method, path, token, body string, out any) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	if out != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	}
	return resp.StatusCode
}

func TestAPIRefusesRequestsWithoutAValidToken(t *testing.T) {
	t.Parallel()
	b := setup(t, "a")
	for _, configured := range []string{"s3cret-token", ""} {
		cfg := testConfig()
		cfg.API.Token = configured
		srv := httptest.NewServer(b.newCoordinator(t, cfg).Handler())
		t.Cleanup(srv.Close)
		for _, token := range []string{"", "wrong", "s3cret-token-but-longer", "s3cret-toke"} {
			require.Equal(t, http.StatusUnauthorized, call(t, srv, "GET", "/v1/tenants/a/backups", token, "", nil), "token %q", token)
			require.Equal(t, http.StatusUnauthorized, call(t, srv, "POST", "/v1/tenants/a/backups", token, "", nil), "token %q", token)
		}
		if configured == "" {
			require.Equal(t, http.StatusUnauthorized, call(t, srv, "GET", "/v1/runs/x", "", "", nil))
		}
	}
	require.Empty(t, exportJobs(t, b.nats.JS), "nothing was started")
}

// A backup driven through the API: POST starts it (ExportRequested in
// JOBS), the stages' events complete it, GET shows the run, the backup and
// the tenant's list; a restore of it is recorded and executed.
func TestAPIDrivesABackup(t *testing.T) {
	t.Parallel()
	b := setup(t, "care home 1")
	const token = "portal-token"
	cfg := testConfig()
	cfg.API.Token = token
	spans := tracetest.NewSpanRecorder()
	cfg.Tracer = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	restored := make(chan RestoreJob, 1)
	c, _ := b.startWith(t, b.nats.JS, cfg, func(c *Service) {
		c.ops = testOps{restoreFn: func(_ context.Context, r RestoreJob) error { restored <- r; return nil }}
	})
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(srv.Close)

	var started struct {
		Run      string `json:"run"`
		BackupID string `json:"backup_id"`
		State    string `json:"state"`
	}
	tenantPath := "/v1/tenants/care%20home%201/backups"
	require.Equal(t, http.StatusAccepted, call(t, srv, "POST", tenantPath, token, "", &started))
	require.Equal(t, JobQueued, started.State)
	jobs := exportJobs(t, b.nats.JS)
	require.Len(t, jobs, 1)
	require.Equal(t, messages.ExportRequested{V: 1, Run: started.Run, Tenant: "care home 1", Kind: messages.KindTenant,
		BackupID: started.BackupID, RequestedAt: jobs[0].RequestedAt}, jobs[0])

	require.Equal(t, http.StatusNotFound, call(t, srv, "POST", "/v1/tenants/nobody/backups", token, "", nil))
	require.Equal(t, http.StatusNotFound, call(t, srv, "GET", "/v1/runs/nope", token, "", nil))

	b.complete(t, jobs[0], true)
	var run struct {
		State   string `json:"state"`
		JobList []Job  `json:"job_list"`
	}
	teststack.Eventually(t, 20*time.Second, func() bool {
		return call(t, srv, "GET", "/v1/runs/"+started.Run, token, "", &run) == http.StatusOK && run.State == RunDone
	}, "the run to be done")
	require.Len(t, run.JobList, 1)
	require.Equal(t, JobVerified, run.JobList[0].State)
	require.EqualValues(t, 1234, run.JobList[0].Bytes)

	var got Backup
	require.Equal(t, http.StatusOK, call(t, srv, "GET", "/v1/backups/"+started.BackupID, token, "", &got))
	require.Equal(t, JobVerified, got.State)
	require.Equal(t, "m/"+started.BackupID, got.ManifestKey)
	require.NotNil(t, got.VerifiedAt)

	var list struct{ Backups []Backup }
	require.Equal(t, http.StatusOK, call(t, srv, "GET", tenantPath, token, "", &list))
	require.Len(t, list.Backups, 1)
	require.Equal(t, started.BackupID, list.Backups[0].BackupID)

	// A target the executor would refuse is refused now, with a 400 and
	// nothing recorded or started; the target is the database's full
	// name, never renamed.
	for _, target := range []string{"scratch_1", "arca_restore_", "arca_restore_Bad", "arca_restore_x; drop", "postgres"} {
		var e struct{ Error string }
		require.Equal(t, http.StatusBadRequest, call(t, srv, "POST", "/v1/restores", token,
			`{"backup_id":"`+started.BackupID+`","target":"`+target+`"}`, &e), target)
		require.Contains(t, e.Error, "arca_restore_<name>", target)
	}
	var e struct{ Error string }
	require.Equal(t, http.StatusNotFound, call(t, srv, "POST", "/v1/restores", token,
		`{"backup_id":"nope","target":"arca_restore_scratch_1"}`, &e))
	select {
	case r := <-restored:
		t.Fatalf("a refused restore ran: %+v", r)
	default:
	}

	var rs Restore
	require.Equal(t, http.StatusAccepted, call(t, srv, "POST", "/v1/restores", token,
		`{"backup_id":"`+started.BackupID+`","target":"arca_restore_scratch_1"}`, &rs))
	require.Equal(t, "arca_restore_scratch_1", rs.Target)
	require.Equal(t, "arca_restore_scratch_1", (<-restored).Target)
	teststack.Eventually(t, 10*time.Second, func() bool {
		return call(t, srv, "GET", "/v1/restores/"+rs.ID, token, "", &rs) == http.StatusOK && rs.State == "succeeded"
	}, "the restore to succeed")
	// The restore is a span of its own, named for its mode. It ends just
	// after the state is recorded: wait for it rather than race it.
	teststack.Eventually(t, 10*time.Second, func() bool {
		for _, sp := range spans.Ended() {
			for _, kv := range sp.Attributes() {
				if sp.Name() == "restore target" && kv.Key == "arca.restore_id" && kv.Value.AsString() == rs.ID {
					return true
				}
			}
		}
		return false
	}, "a span for restore "+rs.ID)
	require.Equal(t, http.StatusBadRequest, call(t, srv, "POST", "/v1/restores", token, `{"backup_id":"x"}`, nil))
}
