package service

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/teststack"
)

// A tenant point-in-time restore through the API: what would fail is
// refused at once with nothing recorded or queued (a malformed, missing,
// future or uncovered moment, a bad mode, a password in the target: 400;
// an unknown tenant: 404); an accepted one is a job on jobs.restore and a
// restore that the restorer's events move to succeeded.
func TestAPISchedulesATenantPointInTimeRestore(t *testing.T) {
	t.Parallel()
	b := setup(t, "care home 1")
	const token = "portal-token"
	cfg := testConfig()
	cfg.API.Token = token
	covered := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	// The coverage of the bucket is bucketOps' (TestBucketOpsCoverTenantRestore).
	c, _ := b.startWith(t, b.nats.JS, cfg, func(c *Service) {
		c.ops = testOps{coverFn: func(_ context.Context, at time.Time) (string, error) {
			if at.Before(covered) {
				return "no base backup ended at or before " + at.Format(time.RFC3339), nil
			}
			return "", nil
		}}
	})
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(srv.Close)
	path := "/v1/tenants/care%20home%201/restores"
	at := covered.Add(time.Minute).Format(time.RFC3339)

	for body, want := range map[string]string{
		`{"mode":"replace"}`:                  "at is required",
		`{"at":"yesterday","mode":"replace"}`: "body: parsing time",
		`{"at":"` + time.Now().Add(time.Hour).Format(time.RFC3339) + `","mode":"replace"}`: "in the future",
		`{"at":"` + covered.Add(-time.Hour).Format(time.RFC3339) + `","mode":"replace"}`:   "do not cover",
		`{"at":"` + at + `","mode":"sideways"}`:                                            "not replace, target or into-schema",
		`{"at":"` + at + `","mode":"target","target":"postgres://u:hunter2@db/app"}`:       "holds a password",
		`{"at":"` + at + `","mode":"into-schema"}`:                                         "schema",
		`{"at":"` + at + `","mode":"replace","extra":1}`:                                   "unknown field",
	} {
		var e struct{ Error string }
		require.Equal(t, http.StatusBadRequest, call(t, srv, "POST", path, token, body, &e), body)
		require.Contains(t, e.Error, want, body)
		require.NotContains(t, e.Error, "hunter2")
	}
	var e struct{ Error string }
	require.Equal(t, http.StatusNotFound, call(t, srv, "POST", "/v1/tenants/nobody/restores", token, `{"at":"`+at+`","mode":"replace"}`, &e))
	require.Contains(t, e.Error, "unknown tenant")
	var s jetstream.Stream
	teststack.Eventually(t, 30*time.Second, func() bool {
		var err error
		s, err = b.nats.JS.Stream(t.Context(), messages.StreamJobs)
		return err == nil
	}, "the coordinator's streams")
	_, err := s.GetLastMsgForSubject(t.Context(), messages.Filter(messages.SubjectRestore))
	require.Error(t, err, "nothing was queued")

	var rs Restore
	require.Equal(t, http.StatusAccepted, call(t, srv, "POST", path, token, `{"at":"`+at+`","mode":"into-schema","schema":"home1_before"}`, &rs))
	require.Equal(t, "pitr-into-schema", rs.Mode)
	require.Equal(t, "home1_before", rs.Target)
	require.Equal(t, "requested", rs.State)
	raw, err := s.GetLastMsgForSubject(t.Context(), messages.RestoreSubject("care home 1"))
	require.NoError(t, err)
	var job messages.TenantRestoreRequested
	require.NoError(t, json.Unmarshal(raw.Data, &job))
	require.Equal(t, rs.ID, job.ID)
	require.Equal(t, at, job.At.Format(time.RFC3339))

	// The restorer's events (services/exporter/pitrstage publishes these)
	// move the restore; its steps stay events, and no backup job appears.
	ev := func(stage string, status messages.Status, attrs map[string]string) messages.Event {
		return messages.Event{Tenant: job.Tenant, Kind: messages.KindTenant, BackupID: job.ID, Stage: stage, Status: status, Attempt: 1, Attrs: attrs}
	}
	require.NoError(t, b.pub.Event(t.Context(), ev(messages.StageRestore, messages.StatusStarted, nil)))
	teststack.Eventually(t, 20*time.Second, func() bool {
		return call(t, srv, "GET", "/v1/restores/"+rs.ID, token, "", &rs) == http.StatusOK && rs.State == "running"
	}, "the restore to run")
	require.NoError(t, b.pub.Event(t.Context(), ev(messages.StageRestoreStep, messages.StatusSucceeded, map[string]string{"step": "recover"})))
	require.NoError(t, b.pub.Event(t.Context(), ev(messages.StageRestore, messages.StatusSucceeded,
		map[string]string{"base_backup": "base-1", "recovered_to": at, "rows": "42", "rto": "31s"})))
	teststack.Eventually(t, 20*time.Second, func() bool {
		return call(t, srv, "GET", "/v1/restores/"+rs.ID, token, "", &rs) == http.StatusOK && rs.State == "succeeded"
	}, "the restore to succeed")
	require.Contains(t, rs.Result, "point-in-time restore to "+at)
	require.Contains(t, rs.Result, "base backup base-1")
	require.Contains(t, rs.Result, "42 rows")
	require.NotNil(t, rs.FinishedAt)
	var list struct{ Backups []Backup }
	require.Equal(t, http.StatusOK, call(t, srv, "GET", path[:len(path)-len("restores")]+"backups", token, "", &list))
	require.Empty(t, list.Backups, "a restore is not a backup")
}

// Against a real bucket and keyring, a moment no base backup covers is
// refused with the reason, as the CLI's restore at a time says it; a
// moment after a base backup, with its WAL archived on past it, is
// allowed (no reason), and one before that base backup is refused again.
// (The coordinator's generated S3 grants allow these reads:
// TestGeneratedS3GrantsAreEnforcedByVersityGW, cmd/arca/internal/grants.)
func TestBucketOpsCoverTenantRestore(t *testing.T) {
	t.Parallel()
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	kr := keyringtest.New(t)
	layout := backup.Layout{Prefix: "arca"}
	ops := bucketOps{store: store, keys: fixedKeys{kr}, cfg: Config{Layout: layout}, log: slog.New(slog.DiscardHandler)}
	why, err := ops.coverTenantRestore(t.Context(), time.Now().Add(-time.Hour))
	require.NoError(t, err)
	require.Contains(t, why, "base backup")

	// A base backup that ended two hours ago, and its WAL since, archived
	// now (after every moment asked below).
	ended := time.Now().Add(-2 * time.Hour).UTC()
	writeBaseAndWAL(t, store, layout, kr, ended)
	why, err = ops.coverTenantRestore(t.Context(), ended.Add(time.Hour))
	require.NoError(t, err)
	require.Empty(t, why, "covered: a tenant restore to that moment is allowed")
	why, err = ops.coverTenantRestore(t.Context(), ended.Add(-time.Hour))
	require.NoError(t, err)
	require.Contains(t, why, "base backup")
}

// writeBaseAndWAL writes what a base backup ending at ended and the WAL
// archived after it leave in the bucket: the sealed manifest (its data is
// never read by a coverage check) and two segments from its start on.
func writeBaseAndWAL(t *testing.T, store objstore.Store, layout backup.Layout, kr *keyring.Keyring, ended time.Time) {
	t.Helper()
	facts, err := json.Marshal(map[string]any{"timeline": 1, "start_lsn": "0/2000028", "stop_lsn": "0/2000100",
		"start_wal": "000000010000000000000002", "stop_wal": "000000010000000000000002",
		"start_time": ended.Add(-time.Minute), "stop_time": ended, "segment_size": 16 << 20})
	require.NoError(t, err)
	const id = "base-1"
	m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: id, Kind: "base", CreatedAt: ended.Add(-time.Minute), CommittedAt: ended,
		Object: backup.Object{Key: layout.Data("base", "", id), Size: 6, SHA256: strings.Repeat("ab", 32),
			Parts: []backup.Part{{Index: 0, Size: 6, SHA256: strings.Repeat("ab", 32)}}},
		Export: facts}
	key, doc, err := layout.SealManifest(t.Context(), m, kr)
	require.NoError(t, err)
	_, err = store.Put(t.Context(), key, bytes.NewReader(doc), int64(len(doc)))
	require.NoError(t, err)
	for _, seg := range []string{"000000010000000000000002", "000000010000000000000003"} {
		_, err = store.Put(t.Context(), layout.WAL("00000001", seg), strings.NewReader("sealed"), 6)
		require.NoError(t, err)
	}
}

// The coverage check reads through every destination, as the restorer
// does: with the primary emptied and a further destination holding the
// base backup and its WAL, the moment is covered; with neither holding
// them it is refused as before.
func TestBucketOpsCoverTenantRestoreFallsBackToACopy(t *testing.T) {
	t.Parallel()
	primary, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	local, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	kr := keyringtest.New(t)
	layout := backup.Layout{Prefix: "arca"}
	ops := bucketOps{store: primary, keys: fixedKeys{kr}, log: slog.New(slog.DiscardHandler),
		cfg: Config{Layout: layout, Copies: []RetentionCopy{{Name: "local", Store: local}}}}
	ended := time.Now().Add(-2 * time.Hour).UTC()

	why, err := ops.coverTenantRestore(t.Context(), ended.Add(time.Hour))
	require.NoError(t, err)
	require.Contains(t, why, "base backup", "neither destination holds one: refused")

	writeBaseAndWAL(t, local, layout, kr, ended)
	for info, err := range primary.List(t.Context(), "") {
		require.NoError(t, err)
		t.Fatalf("the primary is empty, holds %s", info.Key)
	}
	why, err = ops.coverTenantRestore(t.Context(), ended.Add(time.Hour))
	require.NoError(t, err)
	require.Empty(t, why, "the copy covers it: allowed")
	why, err = ops.coverTenantRestore(t.Context(), ended.Add(-time.Hour))
	require.NoError(t, err)
	require.Contains(t, why, "base backup", "before the copy's base backup: refused")
}
