package pipelinetest_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Each destination's copy is verified where it is and recorded there: a
// good copy's verified.json names its destination; a damaged copy fails,
// its failed event names the destination (the alerter's copy-missing), and
// the primary's record is not touched.
func TestEachCopyIsVerifiedAndRecordedInItsDestination(t *testing.T) {
	t.Parallel()
	good, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	bad, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	p := startPipelineCopies(t, map[string]objstore.Store{"good": good, "bad": bad})
	job := p.backup(t, "acme")
	p.event(t, job, messages.StageVerify, messages.StatusSucceeded)
	mkey := p.layout.Manifest("tenant", "acme", job.BackupID)
	repo := backup.Repository{Store: p.store, Layout: p.layout, Keys: p.keys}
	m, err := repo.Manifest(t.Context(), mkey)
	require.NoError(t, err)
	for _, st := range []objstore.Store{good, bad} {
		for _, key := range []string{m.Object.Key, mkey} {
			_, err := destinations.Copy(t.Context(), p.store, st, key, nil)
			require.NoError(t, err)
		}
	}
	rc, err := bad.Get(t.Context(), m.Object.Key, objstore.Range{})
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	_ = rc.Close()
	require.NoError(t, err)
	data[len(data)-20] ^= 1
	require.NoError(t, bad.Delete(t.Context(), m.Object.Key))
	_, err = bad.Put(t.Context(), m.Object.Key, bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)

	pub := jobs.NewPublisher(p.n.JS)
	for _, d := range []string{"good", "bad"} {
		v := messages.VerifyRequested{V: 1, Tenant: "acme", Kind: messages.KindTenant, BackupID: job.BackupID, ManifestKey: mkey, Destination: d}
		require.NoError(t, pub.Publish(t.Context(), messages.VerifySubject(job.BackupID), v, messages.VerifyCopyMsgID(job.BackupID, d)))
	}
	failed := p.event(t, job, messages.StageVerify, messages.StatusFailed)
	require.Equal(t, "bad", failed.Attrs[messages.DestinationAttr])

	rec := func(st objstore.Store) backup.Verification {
		t.Helper()
		v, ok, err := backup.Repository{Store: st, Layout: p.layout, Keys: p.keys}.Verification(t.Context(), mkey)
		require.NoError(t, err)
		require.True(t, ok)
		return v
	}
	teststack.Eventually(t, 90*time.Second, func() bool {
		_, ok, err := backup.Repository{Store: good, Layout: p.layout, Keys: p.keys}.Verification(t.Context(), mkey)
		return err == nil && ok
	}, "verified.json in good")
	g := rec(good)
	require.True(t, g.Verified)
	require.Equal(t, "good", g.Destination)
	b := rec(bad)
	require.False(t, b.Verified)
	require.Equal(t, "bad", b.Destination)
	require.NotEmpty(t, b.Reason)
	primary := rec(p.store)
	require.True(t, primary.Verified)
	require.Empty(t, primary.Destination)
}
