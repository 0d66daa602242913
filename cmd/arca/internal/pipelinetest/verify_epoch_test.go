package pipelinetest_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/teststack"
	verifier "github.com/arcabackup/arca/services/verifier/service"
)

// changingKeys opens the first key under the held epoch while a new epoch
// is announced and loaded (as the service's watcher would).
type changingKeys struct {
	*keyring.Live
	once   sync.Once
	change func()
}

func (c *changingKeys) Key(id string) (seal.KEK, error) {
	kek, err := c.Live.Key(id)
	c.once.Do(c.change)
	return kek, err
}

// A verification that ran while the keyring changed is not recorded: it is
// run again under the new epoch, and only that outcome is recorded.
func TestVerificationAcrossAKeyringChangeRunsAgain(t *testing.T) {
	t.Parallel()
	p := startPipeline(t)
	ctx := t.Context()
	job := p.backup(t, "acme")
	ok := p.event(t, job, messages.StageVerify, messages.StatusSucceeded)

	// A verifier with a live keyring, on a JetStream of its own, over the
	// same bucket.
	doc, err := p.keys.Marshal()
	require.NoError(t, err)
	live := keyring.NewLive(func(context.Context) (*keyring.Keyring, error) { return keyring.Unmarshal(doc) })
	live.Observe(keyring.Epoch{})
	require.NoError(t, live.Advance(ctx, keyring.Epoch{}))
	fp := live.Held().Fingerprint
	keys := &changingKeys{Live: live, change: func() {
		e := keyring.Epoch{N: 1, Fingerprint: fp}
		live.Observe(e)
		if err := live.Advance(context.Background(), e); err != nil {
			t.Error(err)
		}
	}}
	n := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	ver, err := verifier.New(verifier.Deps{JS: n.JS, Store: p.store, Keys: keys}, verifier.Config{Layout: p.layout, Worker: jobs.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}})
	require.NoError(t, err)
	wctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = ver.Run(wctx) }()
	t.Cleanup(func() { cancel(); <-done })

	again := messages.VerifyRequested{V: messages.Version, Tenant: "acme", Kind: messages.KindTenant, BackupID: job.BackupID, ManifestKey: ok.Attrs["manifest"]}
	require.NoError(t, jobs.NewPublisher(n.JS).Publish(ctx, messages.VerifySubject(job.BackupID), again, messages.VerifyMsgID(job.BackupID)))
	own := &pipeline{n: n}
	retry := own.event(t, job, messages.StageVerify, messages.StatusRetrying)
	require.Contains(t, retry.Error, "the keyring changed during verification")
	done2 := own.event(t, job, messages.StageVerify, messages.StatusSucceeded)
	require.Equal(t, ok.Bytes, done2.Bytes)
	require.Equal(t, uint64(1), live.Epoch())
}
