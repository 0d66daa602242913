package cli_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/objstore/faultproxy"
	"github.com/arcabackup/arca/pkg/teststack"
)

// destEnv is a pipeline writing to three destinations: versitygw (the
// primary), a second versitygw bucket ("dr") and a directory ("local",
// tenant exports only, kept 14 days).
func destEnv(t *testing.T) (*env, destinations.Set) {
	t.Helper()
	suffix := strings.ToUpper(rand.Text()[:8])
	require.NoError(t, os.Setenv("ARCA_TEST_DR_ACCESS_"+suffix, gw.AccessKey))
	require.NoError(t, os.Setenv("ARCA_TEST_DR_SECRET_"+suffix, gw.SecretKey))
	extra := fmt.Sprintf(`name: sp, destinations: [{name: dr, kind: s3, s3: {endpoint: %q, region: %q, bucket: %q, path_style: true, access_key_env: %s, secret_key_env: %s}},`+
		` {name: local, kind: fs, fs: {dir: %q}, kinds: [tenant], retention: {tenant_export: 14d}}]`,
		gw.Endpoint, gw.Region, gw.NewBucket(t, false), "ARCA_TEST_DR_ACCESS_"+suffix, "ARCA_TEST_DR_SECRET_"+suffix, filepath.Join(t.TempDir(), "local"))
	e := newEnvWith(t, "s3", extra)
	set, err := stack.Destinations(t.Context(), e.cfg)
	require.NoError(t, err)
	require.Equal(t, []string{"sp", "dr", "local"}, set.Names())
	return e, set
}

// waitVerifiedIn waits for the backup's verified.json in a destination and
// returns it, authenticated.
func waitVerifiedIn(t *testing.T, e *env, d destinations.Destination, tenant, id string) backup.Verification {
	t.Helper()
	keys, err := stack.Keyring(t.Context(), e.cfg, false)
	require.NoError(t, err)
	repo := backup.Repository{Store: d.Store, Layout: e.layout, Keys: keys}
	var v backup.Verification
	teststack.Eventually(t, 5*time.Minute, func() bool {
		var ok bool
		v, ok, err = repo.Verification(t.Context(), e.layout.Manifest("tenant", tenant, id))
		return err == nil && ok
	}, "verified.json in "+d.Name)
	return v
}

// A backup is copied to each destination and verified there; with the
// primary's copy deleted, restore reads the second destination and says
// so; with that one tampered too, the third; each destination's copy is
// verified on its own.
func TestRestoreFallsBackToTheNextDestinationAndSaysWhich(t *testing.T) {
	t.Parallel()
	e, set := destEnv(t)
	id := e.backup(t, messages.KindTenant, "home-1")
	for _, d := range set {
		v := waitVerifiedIn(t, e, d, "home-1", id)
		require.True(t, v.Verified, d.Name)
		if d.Name != "sp" {
			require.Equal(t, d.Name, v.Destination, "the record names its destination")
		}
	}
	data := e.layout.Data("tenant", "home-1", id)

	// The primary's object is gone.
	require.NoError(t, set[0].Store.Delete(t.Context(), data))
	out, stderr, code := e.arca(t, "restore", "tenant", "--backup", id, "--into-schema", "home1_a")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, "destination sp could not serve it")
	require.Contains(t, stderr, "restore tenant: from destination dr")
	require.Contains(t, out, "rows restored 5")

	// dr's copy is tampered with: same size, other bytes. It does not
	// authenticate; the directory's copy serves.
	rc, err := set[1].Store.Get(t.Context(), data, objstore.Range{})
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = buf.ReadFrom(rc)
	_ = rc.Close()
	require.NoError(t, err)
	tampered := buf.Bytes()
	tampered[len(tampered)/2] ^= 0xff
	_, err = set[1].Store.Put(t.Context(), data, bytes.NewReader(tampered), int64(len(tampered)))
	require.NoError(t, err)
	out, stderr, code = e.arca(t, "restore", "tenant", "--backup", id, "--into-schema", "home1_b")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, "destination dr could not serve it")
	require.Contains(t, stderr, "restore tenant: from destination local")
	require.Contains(t, out, "rows restored 5")

	// Each destination lists its own copies with their verification there.
	out, stderr, code = e.arca(t, "list", "--destination", "local")
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, id+`\s+tenant\s+home-1\s.*\strue\n`, out)

	// Each copy verified where it is.
	out, stderr, code = e.arca(t, "verify", id, "--destination", "local")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "verified in destination local")
	_, _, code = e.arca(t, "verify", id, "--destination", "dr")
	require.NotEqual(t, 0, code, "the tampered copy does not verify")
	_, stderr, code = e.arca(t, "verify", id, "--destination", "nowhere")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "not one of [sp dr local]")

	// The operator completes the primary's copy: from the first other
	// destination whose copy verifies (local: dr's is tampered with).
	out, stderr, code = e.arca(t, "copy", id, "--to", "sp")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "from destination local to sp and verified it there")
	require.Contains(t, stderr, "destination dr could not serve it")
	_, stderr, code = e.arca(t, "verify", id)
	require.Equal(t, 0, code, stderr)
	require.True(t, waitVerifiedIn(t, e, set[0], "home-1", id).Verified)
	// And dr's, whose tampered bytes have the right size.
	out, stderr, code = e.arca(t, "copy", id, "--to", "dr")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "from destination sp to dr")
	_, stderr, code = e.arca(t, "verify", id, "--destination", "dr")
	require.Equal(t, 0, code, stderr)

	// With no copy left that serves, every destination's reason is given.
	require.NoError(t, set[0].Store.Delete(t.Context(), data))
	require.NoError(t, set[1].Store.Delete(t.Context(), data))
	require.NoError(t, set[2].Store.Delete(t.Context(), data))
	_, stderr, code = e.arca(t, "restore", "tenant", "--backup", id, "--into-schema", "home1_c")
	require.NotEqual(t, 0, code)
	for _, name := range []string{"destination sp", "destination dr", "destination local"} {
		require.Contains(t, stderr, name)
	}
}

// Retention applies per destination: a backup 20 days old goes from the
// directory (kept 14 days) and stays in the primary (kept 90 days).
func TestPruneAppliesEachDestinationsOwnPolicy(t *testing.T) {
	t.Parallel()
	e, set := destEnv(t)
	id := e.backup(t, messages.KindTenant, "home-2")
	for _, d := range set {
		waitVerifiedIn(t, e, d, "home-2", id)
	}
	// An older backup of the same tenant, in the primary and the
	// directory: the same object under another id, its manifest sealed
	// 20 days back.
	keys, err := stack.Keyring(t.Context(), e.cfg, false)
	require.NoError(t, err)
	m, err := backup.Repository{Store: set[0].Store, Layout: e.layout, Keys: keys}.Manifest(t.Context(), e.layout.Manifest("tenant", "home-2", id))
	require.NoError(t, err)
	old := m
	old.BackupID = messages.BackupID(messages.KindTenant, "old", "home-2", time.Now().Add(-20*24*time.Hour))
	old.Artifact = old.BackupID + ".a1"
	old.CreatedAt, old.CommittedAt = time.Now().UTC().Add(-20*24*time.Hour), time.Now().UTC().Add(-20*24*time.Hour)
	old.RetainUntil = time.Time{}
	old.Object.Key = e.layout.Data("tenant", "home-2", old.BackupID)
	mkey, doc, err := e.layout.SealManifest(t.Context(), old, keys)
	require.NoError(t, err)
	for _, d := range []destinations.Destination{set[0], set[2]} {
		_, err := destinations.Copy(t.Context(), set[0].Store, d.Store, m.Object.Key, nil)
		require.NoError(t, err)
		rc, err := d.Store.Get(t.Context(), m.Object.Key, objstore.Range{})
		require.NoError(t, err)
		_, err = d.Store.Put(t.Context(), old.Object.Key, rc, m.Object.Size)
		_ = rc.Close()
		require.NoError(t, err)
		_, err = d.Store.Put(t.Context(), mkey, bytes.NewReader(doc), int64(len(doc)))
		require.NoError(t, err)
	}

	out, stderr, code := e.arca(t, "--json", "prune")
	require.Equal(t, 0, code, stderr)
	var runs []struct {
		Destination string `json:"destination"`
		Report      struct {
			Deleted   int `json:"deleted"`
			Deletions []struct {
				BackupID string   `json:"backup_id"`
				Reasons  []string `json:"reasons"`
			} `json:"deletions"`
		} `json:"report"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &runs), out)
	require.Len(t, runs, 3)
	got := map[string]int{}
	for _, r := range runs {
		got[r.Destination] = r.Report.Deleted
		if r.Destination == "local" {
			require.Len(t, r.Report.Deletions, 1)
			require.Equal(t, old.BackupID, r.Report.Deletions[0].BackupID)
			require.Contains(t, strings.Join(r.Report.Deletions[0].Reasons, ";"), "older than 14 days")
		}
	}
	require.Equal(t, map[string]int{"sp": 0, "dr": 0, "local": 1}, got)
	_, err = set[2].Store.Stat(t.Context(), mkey)
	require.ErrorIs(t, err, objstore.ErrNotFound, "gone from the directory")
	_, err = set[0].Store.Stat(t.Context(), mkey)
	require.NoError(t, err, "kept in the primary, 90 days")
	_, err = set[2].Store.Stat(t.Context(), e.layout.Manifest("tenant", "home-2", id))
	require.NoError(t, err, "the newest stays everywhere")
}

// A destination down while a backup is made: the primary's copy is
// verified all the same, the missing copy pages copy-missing (as arca
// alerter --dry-run shows, with its runbook), and once the destination is
// back the copy completes, is verified there, and the incident resolves
// (a replay then leaves nothing to page).
func TestADestinationDownPagesCopyMissingUntilItsCopyIsVerified(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	down.Store(true)
	proxy, err := faultproxy.Start(faultproxy.Config{Target: gw.Endpoint, Decide: func(*http.Request) faultproxy.Fault {
		if down.Load() {
			return faultproxy.Reset
		}
		return faultproxy.None
	}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = proxy.Close() })
	suffix := strings.ToUpper(rand.Text()[:8])
	require.NoError(t, os.Setenv("ARCA_TEST_DR_ACCESS_"+suffix, gw.AccessKey))
	require.NoError(t, os.Setenv("ARCA_TEST_DR_SECRET_"+suffix, gw.SecretKey))
	e := newEnvWith(t, "s3", fmt.Sprintf(`destinations: [{name: dr, kind: s3, s3: {endpoint: %q, region: %q, bucket: %q, path_style: true, access_key_env: %s, secret_key_env: %s}}]`,
		proxy.URL, gw.Region, gw.NewBucket(t, false), "ARCA_TEST_DR_ACCESS_"+suffix, "ARCA_TEST_DR_SECRET_"+suffix))
	set, err := stack.Destinations(t.Context(), e.cfg)
	require.NoError(t, err)

	id := e.backup(t, messages.KindTenant, "home-3") // verified in the primary
	failed := messages.EventSubject("home-3", id, messages.StageCopy, messages.StatusFailed)
	teststack.Eventually(t, 5*time.Minute, func() bool {
		stream, err := e.nats.JS.Stream(t.Context(), messages.StreamEvents)
		if err != nil {
			return false
		}
		_, err = stream.GetLastMsgForSubject(t.Context(), failed)
		return err == nil
	}, "a failed copy to dr")

	// The alerter's view, through its own rules and configuration.
	cfgPath := alerterConfig(t, e)
	copyMissing := func() []pdEvent { return copyMissingPages(t, cfgPath) }
	pages := copyMissing()
	require.NotEmpty(t, pages)
	require.Equal(t, "trigger", pages[0].Action)
	require.Equal(t, "dr", pages[0].Payload.Details["destination"])
	require.Contains(t, pages[0].Payload.Summary, `destination "dr"`)
	require.True(t, strings.HasSuffix(pages[0].DedupKey, "/dr"), pages[0].DedupKey)
	require.Contains(t, pages[0].Links[0].Href, "copy-missing.md")

	down.Store(false)
	v := waitVerifiedIn(t, e, set[1], "home-3", id)
	require.True(t, v.Verified)
	verified := messages.EventSubject("home-3", id, messages.StageVerify, messages.StatusSucceeded)
	teststack.Eventually(t, 2*time.Minute, func() bool {
		stream, err := e.nats.JS.Stream(t.Context(), messages.StreamEvents)
		if err != nil {
			return false
		}
		msg, err := stream.GetLastMsgForSubject(t.Context(), verified)
		if err != nil {
			return false
		}
		ev, err := messages.Decode[messages.Event](msg.Data)
		return err == nil && ev.Attrs[messages.DestinationAttr] == "dr"
	}, "dr's verification event")
	// Replayed now, the trigger is followed by its resolve: nothing open.
	require.Empty(t, copyMissing(), "copy-missing resolved once dr's copy is verified")
}
