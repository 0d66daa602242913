package service_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/backup/backuptest"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/teststack"
	verifier "github.com/arcabackup/arca/services/verifier/service"
)

// bundle is a private JetStream, a filesystem bucket and the keyring the
// backups in it were sealed with: what a verifier needs, without the rest
// of the pipeline.
type bundle struct {
	n      *teststack.NATS
	store  *fsstore.Store
	keys   *keyring.Keyring
	layout backup.Layout
	pub    *jobs.Publisher
}

func setup(t *testing.T) *bundle {
	t.Helper()
	n := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(t.Context(), n.JS, jobs.StreamOptions{}))
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	keys := keyring.New()
	_, err = keys.Rotate("")
	require.NoError(t, err)
	return &bundle{n: n, store: store, keys: keys, layout: backup.Layout{Prefix: "v"}, pub: jobs.NewPublisher(n.JS)}
}

// start runs a verifier reading store with keys until the test ends.
func (b *bundle) start(t *testing.T, store objstore.Store, keys backup.Keys) {
	t.Helper()
	quiet := jobs.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	v, err := verifier.New(verifier.Deps{JS: b.n.JS, Store: store, Keys: keys}, verifier.Config{Layout: b.layout, Worker: quiet})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = v.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// committed is a backup as the uploader leaves it: data object and
// manifest in the bucket.
type committed struct {
	m   backup.Manifest
	key string // of the manifest
	obj []byte // the sealed data object
}

// commit writes a tenant backup of one table of rows rows, sealed in three
// parts with the real sealer, to the bucket: data object, then manifest.
func (b *bundle) commit(t *testing.T, tenant, backupID string, rows int) committed {
	t.Helper()
	m, key, obj, err := backuptest.Commit(t.Context(), b.store, b.layout, b.keys,
		backuptest.Spec{Tenant: tenant, BackupID: backupID, Rows: rows, Parts: 3})
	require.NoError(t, err)
	require.Len(t, m.Object.Parts, 3)
	return committed{m: m, key: key, obj: obj}
}

func (b *bundle) put(t *testing.T, key string, data []byte) {
	t.Helper()
	_, err := b.store.Put(t.Context(), key, bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
}

// request publishes a verify job for c; each msgID is a job of its own.
func (b *bundle) request(t *testing.T, c committed, msgID string) {
	t.Helper()
	job := messages.VerifyRequested{V: messages.Version, Tenant: c.m.Tenant, Kind: messages.KindTenant, BackupID: c.m.BackupID, ManifestKey: c.key}
	require.NoError(t, b.pub.Publish(t.Context(), messages.VerifySubject(c.m.BackupID), job, msgID))
}

// hasEvent reports whether EVENTS holds a verify event of c at status.
func (b *bundle) hasEvent(t *testing.T, c committed, status messages.Status) bool {
	t.Helper()
	stream, err := b.n.JS.Stream(t.Context(), messages.StreamEvents)
	require.NoError(t, err)
	_, err = stream.GetLastMsgForSubject(t.Context(), messages.EventSubject(c.m.Tenant, c.m.BackupID, messages.StageVerify, status))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return false
	}
	require.NoError(t, err)
	return true
}

// outcome waits for the first outcome of a verify job of c: a succeeded
// or a failed event.
func (b *bundle) outcome(t *testing.T, c committed) messages.Event {
	t.Helper()
	var subjects []string
	for _, st := range []messages.Status{messages.StatusSucceeded, messages.StatusFailed} {
		subjects = append(subjects, messages.EventSubject(c.m.Tenant, c.m.BackupID, messages.StageVerify, st))
	}
	var got []messages.Event
	teststack.Eventually(t, teststack.MinWait, func() bool {
		got = nil
		err := jobs.Replay(t.Context(), b.n.JS, messages.StreamEvents, subjects, func(data []byte) {
			e, err := messages.Decode[messages.Event](data)
			require.NoError(t, err)
			got = append(got, e)
		})
		return err == nil && len(got) > 0
	}, "an outcome of verifying "+c.m.BackupID)
	return got[0]
}

// verification reads and authenticates verified.json beside c's manifest.
func (b *bundle) verification(t *testing.T, c committed) backup.Verification {
	t.Helper()
	repo := backup.Repository{Store: b.store, Layout: b.layout, Keys: b.keys}
	v, found, err := repo.Verification(t.Context(), c.key)
	require.NoError(t, err)
	require.True(t, found, "verified.json beside %s", c.key)
	return v
}

// verifiedBefore records c as verified, as a verifier with the right
// keyring did before the test, and returns the record.
func (b *bundle) verifiedBefore(t *testing.T, c committed) backup.Verification {
	t.Helper()
	repo := backup.Repository{Store: b.store, Layout: b.layout, Keys: b.keys}
	res, err := verify.Stored(t.Context(), repo, c.key)
	require.NoError(t, err)
	ref, err := b.layout.Ref(c.key)
	require.NoError(t, err)
	key, doc, err := b.layout.SealVerification(t.Context(), ref, res.Record(nil, "", time.Now().UTC()), b.keys)
	require.NoError(t, err)
	b.put(t, key, doc)
	return b.verification(t, c)
}

// deadLetter waits for the one dead letter of the verify stage.
func (b *bundle) deadLetter(t *testing.T) messages.DeadLetter {
	t.Helper()
	var got []messages.DeadLetter
	teststack.Eventually(t, teststack.MinWait, func() bool {
		got = nil
		err := jobs.Replay(t.Context(), b.n.JS, messages.StreamDLQ, []string{messages.DLQSubject(messages.StageVerify)}, func(data []byte) {
			d, err := messages.Decode[messages.DeadLetter](data)
			require.NoError(t, err)
			got = append(got, d)
		})
		return err == nil && len(got) > 0
	}, "a dead letter of the verify stage")
	require.Len(t, got, 1)
	return got[0]
}

// settled waits until the verify job of c has ended: an outcome event
// (succeeded or failed) or a dead_lettered event.
func (b *bundle) settled(t *testing.T, c committed) {
	t.Helper()
	teststack.Eventually(t, teststack.MinWait, func() bool {
		for _, st := range []messages.Status{messages.StatusSucceeded, messages.StatusFailed, messages.StatusDeadLettered} {
			if b.hasEvent(t, c, st) {
				return true
			}
		}
		return false
	}, "the end of verifying "+c.m.BackupID)
}
