package service

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// GET /v1/backups/{backup}/copies is the catalog's copies table for the
// backup: each further destination's copy as its copy job's and its
// verification's events left it (arca copy's too); none is an empty
// list, an unknown backup a 404.
func TestAPIShowsABackupsCopiesPerDestination(t *testing.T) {
	t.Parallel()
	b := setup(t, "care home 1")
	const token = "portal-token"
	cfg := testConfig()
	cfg.API.Token = token
	c, _ := b.startWith(t, b.nats.JS, cfg, nil)
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(srv.Close)

	_, err := c.BackupTenants(t.Context(), nil, messages.KindTenant, "test")
	require.NoError(t, err)
	jobs := exportJobs(t, b.nats.JS)
	require.Len(t, jobs, 1)
	id := jobs[0].BackupID
	b.complete(t, jobs[0], true)
	var got struct {
		BackupID string `json:"backup_id"`
		Copies   []Copy `json:"copies"`
	}
	teststack.Eventually(t, 30*time.Second, func() bool {
		var bk Backup
		return call(t, srv, "GET", "/v1/backups/"+id, token, "", &bk) == http.StatusOK && bk.State == JobVerified
	}, "the backup verified")
	require.Equal(t, http.StatusOK, call(t, srv, "GET", "/v1/backups/"+id+"/copies", token, "", &got))
	require.Equal(t, id, got.BackupID)
	require.NotNil(t, got.Copies, "an empty list, not null")
	require.Empty(t, got.Copies)

	ev := func(stage string, status messages.Status, destination, by, errText string) messages.Event {
		attrs := map[string]string{messages.DestinationAttr: destination}
		if by != "" {
			attrs[messages.ByAttr] = by
		}
		return messages.Event{Tenant: jobs[0].Tenant, Kind: messages.KindTenant, BackupID: id, Stage: stage, Status: status,
			Attempt: 3, Error: errText, Attrs: attrs}
	}
	for _, e := range []messages.Event{
		ev(messages.StageCopy, messages.StatusSucceeded, "dr", "", ""),
		ev(messages.StageVerify, messages.StatusSucceeded, "dr", "", ""),
		ev(messages.StageCopy, messages.StatusFailed, "local", "", "destination local: disk full"),
		ev(messages.StageCopy, messages.StatusFailed, "tape", "", "unreachable"),
		ev(messages.StageCopy, messages.StatusSucceeded, "tape", "arca copy", ""), // made by hand
	} {
		require.NoError(t, b.pub.Event(t.Context(), e))
	}
	want := []Copy{
		{BackupID: id, Destination: "dr", State: "verified"},
		{BackupID: id, Destination: "local", State: "copy_failed", Error: "destination local: disk full"},
		{BackupID: id, Destination: "tape", State: "copied"},
	}
	teststack.Eventually(t, 30*time.Second, func() bool {
		got.Copies = nil // decoding into the last answer's rows would keep fields this one leaves out
		return call(t, srv, "GET", "/v1/backups/"+id+"/copies", token, "", &got) == http.StatusOK && len(got.Copies) == 3 &&
			got.Copies[2].State == "copied"
	}, "three destinations' copies")
	require.Equal(t, want, got.Copies)

	var e struct{ Error string }
	require.Equal(t, http.StatusNotFound, call(t, srv, "GET", "/v1/backups/nope/copies", token, "", &e))
	require.Equal(t, http.StatusUnauthorized, call(t, srv, "GET", "/v1/backups/"+id+"/copies", "wrong", "", nil))
}
