package prune_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/prune"
)

func TestRunKeepsNewestVerifiedWhenAllExpired(t *testing.T) {
	t.Parallel()
	eachStore(t, false, func(t *testing.T, s objstore.Store) {
		for _, f := range []fake{
			// acme: all past 90 days; the newest failed verification.
			{kind: "tenant", tenant: "acme", id: "a-300", age: 300 * day, verification: retention.Verified},
			{kind: "tenant", tenant: "acme", id: "a-200", age: 200 * day, verification: retention.Verified},
			{kind: "tenant", tenant: "acme", id: "a-100", age: 100 * day, verification: retention.VerificationFailed},
			// cura: never verified; its newest stays.
			{kind: "tenant", tenant: "cura", id: "c-200", age: 200 * day},
			{kind: "tenant", tenant: "cura", id: "c-100", age: 100 * day},
			// full: one recent, one expired.
			{kind: "full", id: "f-40", age: 40 * day, verification: retention.Verified},
			{kind: "full", id: "f-1", age: day, verification: retention.Verified},
		} {
			put(t, s, f)
		}
		rep, err := newPruner(t, s, func(c *prune.Config) {
			// No weekly fulls: f-40 must go.
			c.Policy.Kinds["full"] = retention.KindPolicy{KeepDays: retention.OperationalDays}
		}).Run(t.Context(), false)
		require.NoError(t, err)

		require.ElementsMatch(t, []string{"a-200", "c-100", "f-1"}, backupIDs(t, s))
		require.Equal(t, map[string]prune.Outcome{
			"a-300": prune.Deleted, "a-100": prune.Deleted, "c-200": prune.Deleted, "f-40": prune.Deleted,
		}, outcomes(rep))
		require.Equal(t, 7, rep.Backups)
		require.Equal(t, 3, rep.Kept)
		require.Equal(t, 4, rep.Deleted)
		require.Positive(t, rep.BytesFreed)
		for _, k := range keys(t, s) {
			require.NotContains(t, k, "a-300", "every object of a deleted backup goes, verified.json included")
		}
		for _, d := range rep.Plan.Decisions {
			if d.BackupID == "a-200" {
				require.Equal(t, []string{"newest verified of tenant acme"}, d.Reasons)
			}
		}
	})
}

func TestRunDryRunDeletesNothing(t *testing.T) {
	t.Parallel()
	eachStore(t, false, func(t *testing.T, s objstore.Store) {
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "old", age: 200 * day, verification: retention.Verified})
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "new", age: day, verification: retention.Verified})
		_, err := s.CreateMultipart(t.Context(), layout.Data("tenant", "acme", "stale"))
		require.NoError(t, err)
		before := keys(t, s)

		p := newPruner(t, s, func(c *prune.Config) { c.Now = func() time.Time { return time.Now().Add(8 * day) } })
		rep, err := p.Run(t.Context(), true)
		require.NoError(t, err)

		require.Equal(t, before, keys(t, s))
		require.True(t, rep.DryRun)
		require.Equal(t, map[string]prune.Outcome{"old": prune.WouldDelete}, outcomes(rep))
		require.Equal(t, []string{"expired: older than 90 days"}, rep.Deletions[0].Reasons)
		require.Positive(t, rep.BytesFreed)
		require.Len(t, rep.Uploads, 1)
		require.Equal(t, prune.WouldAbort, rep.Uploads[0].Outcome)
		require.Len(t, collectUploads(t, s), 1)
	})
}

func TestRunSweepsOldOrphans(t *testing.T) {
	t.Parallel()
	eachStore(t, false, func(t *testing.T, s objstore.Store) {
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "kept", age: day, verification: retention.Verified})
		// A deletion interrupted after the manifest, and a commit that
		// never happened.
		for _, key := range []string{
			backup.VerificationKey(layout.Manifest("tenant", "acme", "half")),
			layout.Data("full", "", "uncommitted"),
		} {
			_, err := s.Put(t.Context(), key, bytes.NewReader([]byte("x")), 1)
			require.NoError(t, err)
		}
		// Not Arca's: left alone.
		_, err := s.Put(t.Context(), "arca/tenants/stray.txt", bytes.NewReader([]byte("x")), 1)
		require.NoError(t, err)

		rep, err := newPruner(t, s).Run(t.Context(), false)
		require.NoError(t, err)
		require.Empty(t, rep.Orphans, "young orphans may still be committed")

		later := newPruner(t, s, func(c *prune.Config) { c.Now = func() time.Time { return time.Now().Add(8 * day) } })
		rep, err = later.Run(t.Context(), false)
		require.NoError(t, err)
		require.Len(t, rep.Orphans, 2)
		for _, o := range rep.Orphans {
			require.Equal(t, prune.Deleted, o.Outcome)
		}
		require.Equal(t, []string{
			"arca/tenants/acme/kept/data.arca", "arca/tenants/acme/kept/manifest.json",
			"arca/tenants/acme/kept/verified.json", "arca/tenants/stray.txt",
		}, keys(t, s))
	})
}

func TestRunLeavesUnreadableManifestsAlone(t *testing.T) {
	t.Parallel()
	eachStore(t, false, func(t *testing.T, s objstore.Store) {
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "new", age: day, verification: retention.Verified})
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "moved", age: 200 * day, verification: retention.Verified})
		// A manifest that does not parse, and one copied into another folder.
		bad := layout.Manifest("tenant", "acme", "garbled")
		_, err := s.Put(t.Context(), bad, bytes.NewReader([]byte("{")), 1)
		require.NoError(t, err)
		rc, err := s.Get(t.Context(), layout.Manifest("tenant", "acme", "moved"), objstore.Range{})
		require.NoError(t, err)
		defer func() { _ = rc.Close() }()
		var buf bytes.Buffer
		_, err = buf.ReadFrom(rc)
		require.NoError(t, err)
		misplaced := layout.Manifest("tenant", "bolt", "moved")
		_, err = s.Put(t.Context(), misplaced, bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		require.NoError(t, err)

		rep, err := newPruner(t, s).Run(t.Context(), false)
		require.NoError(t, err)
		require.Len(t, rep.Problems, 2)
		require.Equal(t, bad, rep.Problems[0].Key)
		require.Equal(t, misplaced, rep.Problems[1].Key)
		require.Contains(t, rep.Problems[1].Error, "does not authenticate")
		// acme/moved has expired, but acme has an unreadable manifest: its
		// deletions are held.
		require.Empty(t, rep.Deletions)
		require.ElementsMatch(t, []string{"garbled", "moved", "moved", "new"}, backupIDs(t, s))
	})
}

// Another tenant's manifest copied over a tenant's newest one: prune
// reports it, and deletes nothing of that tenant on the word of a plan
// made without its newest backup; other tenants are pruned as usual.
func TestRunDeletesNothingOfATenantWithARefusedManifest(t *testing.T) {
	t.Parallel()
	eachStore(t, false, func(t *testing.T, s objstore.Store) {
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "a-300", age: 300 * day, verification: retention.Verified})
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "a-1", age: day, verification: retention.Verified})
		put(t, s, fake{kind: "tenant", tenant: "bolt", id: "b-300", age: 300 * day, verification: retention.Verified})
		put(t, s, fake{kind: "tenant", tenant: "bolt", id: "b-1", age: day, verification: retention.Verified})
		rc, err := s.Get(t.Context(), layout.Manifest("tenant", "bolt", "b-1"), objstore.Range{})
		require.NoError(t, err)
		var buf bytes.Buffer
		_, err = buf.ReadFrom(rc)
		_ = rc.Close()
		require.NoError(t, err)
		swapped := layout.Manifest("tenant", "acme", "a-1")
		_, err = s.Put(t.Context(), swapped, bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		require.NoError(t, err)

		rep, err := newPruner(t, s).Run(t.Context(), false)
		require.NoError(t, err)
		require.Len(t, rep.Problems, 1)
		require.Equal(t, swapped, rep.Problems[0].Key)
		require.Equal(t, map[string]prune.Outcome{"b-300": prune.Deleted}, outcomes(rep))
		require.ElementsMatch(t, []string{"a-300", "a-1", "b-1"}, backupIDs(t, s))
	})
}

type walRecorder struct{ kept []retention.Backup }

func (w *walRecorder) PruneWAL(_ context.Context, kept []retention.Backup, dryRun bool) (prune.WALReport, error) {
	w.kept = kept
	return prune.WALReport{Segments: 3, Bytes: 3 << 24}, nil
}

func TestRunHandsKeptBaseBackupsToWALPruner(t *testing.T) {
	t.Parallel()
	eachStore(t, false, func(t *testing.T, s objstore.Store) {
		put(t, s, fake{kind: "base", id: "b-40", age: 40 * day, verification: retention.Verified})
		put(t, s, fake{kind: "base", id: "b-10", age: 10 * day, verification: retention.Verified})
		put(t, s, fake{kind: "base", id: "b-1", age: day})
		wal := &walRecorder{}
		rep, err := newPruner(t, s, func(c *prune.Config) { c.WAL = wal }).Run(t.Context(), false)
		require.NoError(t, err)
		var ids []string
		for _, b := range wal.kept {
			ids = append(ids, b.BackupID)
		}
		require.Equal(t, []string{"b-1", "b-10"}, ids)
		require.Equal(t, &prune.WALReport{Segments: 3, Bytes: 3 << 24}, rep.WAL)
		require.Greater(t, rep.BytesFreed, int64(3<<24))
	})
}

func TestReportMarshalsToJSON(t *testing.T) {
	t.Parallel()
	eachStore(t, false, func(t *testing.T, s objstore.Store) {
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "old", age: 200 * day, verification: retention.Verified})
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "new", age: day, verification: retention.Verified})
		rep, err := newPruner(t, s).Run(t.Context(), true)
		require.NoError(t, err)
		doc, err := json.Marshal(rep)
		require.NoError(t, err)
		var got map[string]any
		require.NoError(t, json.Unmarshal(doc, &got))
		require.Equal(t, true, got["dry_run"])
		require.EqualValues(t, 1, got["deleted"])
		del := got["deletions"].([]any)[0].(map[string]any)
		require.Equal(t, "old", del["backup_id"])
		require.Equal(t, "acme", del["tenant"])
		require.Equal(t, "would delete", del["outcome"])
		require.Equal(t, []any{"expired: older than 90 days"}, del["reasons"])
		require.NotContains(t, got, "Plan")
	})
}

func TestNewReportsEveryConfigProblem(t *testing.T) {
	t.Parallel()
	_, err := prune.New(nil, prune.Config{
		Policy:    retention.Policy{Kinds: map[string]retention.KindPolicy{"tenant": {}}, Holds: []retention.Hold{{Tenant: "x"}}},
		OrphanAge: -1,
	})
	require.ErrorContains(t, err, "store is required")
	require.ErrorContains(t, err, "keys are required")
	require.ErrorContains(t, err, "kind tenant: keep_days must be at least 1")
	require.ErrorContains(t, err, "reason is required")
	require.ErrorContains(t, err, "must not be negative")
}
