package follow_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/follow"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/progress"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Run starts the backups (here directly: no catalog answers) and follows
// each to its end from the events the stages publish after the start.
func TestRunStartsTheBackupsAndFollowsEachToItsEnd(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	cfg := config.Default()
	cfg.Dir = t.TempDir()
	cfg.NATS.URL = n.URL
	cfg.Catalog.URL = "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"
	pub := jobs.NewPublisher(n.JS)
	var started []stack.Queued
	var decided []string
	var line bytes.Buffer
	set, err := follow.Run(t.Context(), cfg, messages.KindTenant, []string{"a", "b"}, follow.Options{
		Wait: true, Timeout: time.Hour, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Line: progress.NewLine(&line, false, false),
		Started: func(q stack.Queued) {
			started = append(started, q)
			status := messages.StatusSucceeded
			if q.Tenant == "b" {
				status = messages.StatusFailed
			}
			// The stages' events, published after the start as theirs are.
			go func() {
				_ = pub.Event(t.Context(), messages.Event{Tenant: q.Tenant, Kind: messages.KindTenant, BackupID: q.BackupID,
					Stage: messages.StageVerify, Status: status, Bytes: 9, Error: "tampered", Attrs: map[string]string{"rows": "3"}})
			}()
		},
		Decided: func(o *follow.Outcome) { decided = append(decided, o.Tenant+" "+o.Status) },
	})
	require.NoError(t, err)
	require.Len(t, started, 2)
	require.ElementsMatch(t, []string{"a verified", "b failed"}, decided)
	require.Len(t, set.Order, 2)
	require.Equal(t, started[0].BackupID, set.Order[0].BackupID)
	require.Equal(t, "verified", set.Order[0].Status)
	require.EqualValues(t, 3, set.Order[0].Rows)
	require.Equal(t, "tampered", set.Order[1].Reason)
	require.Equal(t, 1, set.NotVerified())

	require.EqualError(t, set.Err(), "1 of 2 backups not verified")

	// Without --wait it returns once the jobs are published: nothing is
	// decided, so there is no table and no failure; the JSON is the
	// backups queued.
	set, err = follow.Run(t.Context(), cfg, messages.KindFull, []string{""}, follow.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	require.Len(t, set.Order, 1)
	require.Equal(t, follow.Queued, set.Order[0].Status)
	require.NoError(t, set.Err())
	var text strings.Builder
	set.WriteText(&text)
	require.Empty(t, text.String())
	got, err := json.Marshal(set)
	require.NoError(t, err)
	want, err := json.Marshal(set.Order)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(got))

	// The tenants are the source's: one that cannot be read queues nothing.
	cfg.Source.URL = cfg.Catalog.URL
	set, err = follow.RunTenants(t.Context(), cfg, "all", follow.Options{})
	require.Error(t, err)
	require.Nil(t, set)
}
