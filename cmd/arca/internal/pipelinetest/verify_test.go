package pipelinetest_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
	encryptor "github.com/arcabackup/arca/services/encryptor/service"
	exporter "github.com/arcabackup/arca/services/exporter/service"
	uploader "github.com/arcabackup/arca/services/uploader/service"
	verifier "github.com/arcabackup/arca/services/verifier/service"
)

type pipeline struct {
	db     *teststack.Database
	n      *teststack.NATS
	store  *fsstore.Store
	keys   *keyring.Keyring
	layout backup.Layout
}

// startPipeline runs every stage against a fixture database, a private
// JetStream and a filesystem bucket.
func startPipeline(t *testing.T) *pipeline {
	t.Helper()
	return startPipelineCopies(t, nil)
}

// startPipelineCopies gives the verifier further destinations too.
func startPipelineCopies(t *testing.T, copies map[string]objstore.Store) *pipeline {
	t.Helper()
	ctx := t.Context()
	db := teststack.NewFixtureDatabase(t)

	p := &pipeline{db: db, n: teststack.NewNATS(t), layout: backup.Layout{Prefix: "e2e"}}
	require.NoError(t, jobs.EnsureStreams(ctx, p.n.JS, jobs.StreamOptions{}))
	st, err := staging.Ensure(ctx, p.n.JS, staging.Options{})
	require.NoError(t, err)
	p.store, err = fsstore.New(t.TempDir())
	require.NoError(t, err)
	p.keys = keyring.New()
	_, err = p.keys.Rotate("")
	require.NoError(t, err)

	quiet := jobs.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	exp, err := exporter.New(exporter.Deps{JS: p.n.JS, Staging: st}, exporter.Config{SourceURL: db.URL, PartSize: 5 << 20, Worker: quiet})
	require.NoError(t, err)
	enc, err := encryptor.New(encryptor.Deps{JS: p.n.JS, Staging: st, Keys: p.keys}, encryptor.Config{Worker: quiet})
	require.NoError(t, err)
	up, err := uploader.New(uploader.Deps{JS: p.n.JS, Staging: st, Store: p.store, Keys: p.keys}, uploader.Config{Layout: p.layout, Worker: quiet})
	require.NoError(t, err)
	ver, err := verifier.New(verifier.Deps{JS: p.n.JS, Store: p.store, Keys: p.keys, Copies: copies}, verifier.Config{Layout: p.layout, Worker: quiet})
	require.NoError(t, err)

	wctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{exp.Run, enc.Run, up.Run, ver.Run} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = run(wctx) }()
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
	return p
}

func (p *pipeline) backup(t *testing.T, tenant string) messages.ExportRequested {
	t.Helper()
	at := time.Now().UTC()
	job := messages.ExportRequested{V: 1, Run: "e2e", Tenant: tenant, Kind: messages.KindTenant,
		BackupID: messages.BackupID(messages.KindTenant, "e2e", tenant, at), RequestedAt: at}
	require.NoError(t, jobs.NewPublisher(p.n.JS).Publish(t.Context(), messages.ExportSubject(tenant), job, messages.ExportMsgID(job.BackupID)))
	return job
}

// event waits for one event of a backup at a stage and status.
func (p *pipeline) event(t *testing.T, job messages.ExportRequested, stage string, status messages.Status) messages.Event {
	t.Helper()
	subject := messages.EventSubject(job.Tenant, job.BackupID, stage, status)
	var e messages.Event
	teststack.Eventually(t, 90*time.Second, func() bool {
		stream, err := p.n.JS.Stream(t.Context(), messages.StreamEvents)
		if err != nil {
			return false
		}
		msg, err := stream.GetLastMsgForSubject(t.Context(), subject)
		if err != nil {
			return false
		}
		e, err = messages.Decode[messages.Event](msg.Data)
		return err == nil
	}, subject)
	return e
}

// A tenant backup flows through every stage: exported, sealed, uploaded,
// committed, and read back and proven by the verifier, which records it in
// the bucket and on EVENTS. Flipping one byte of the stored object makes
// the next verification fail, naming the backup and the part.
func TestBackupIsVerifiedFromTheBucketAndTamperingIsCaught(t *testing.T) {
	t.Parallel()
	p := startPipeline(t)
	ctx := t.Context()
	job := p.backup(t, "acme")

	ok := p.event(t, job, messages.StageVerify, messages.StatusSucceeded)
	require.NotZero(t, ok.Bytes)
	manifestKey := ok.Attrs["manifest"]
	require.Equal(t, p.layout.Manifest("tenant", "acme", job.BackupID), manifestKey)

	v := p.verification(t, manifestKey)
	require.True(t, v.Verified)
	require.Greater(t, v.Tables, 3)
	require.Greater(t, v.Rows, int64(10))

	m, err := verify.Manifest(ctx, p.repo(), manifestKey)
	require.NoError(t, err)
	require.Equal(t, messages.ArtifactID(job.BackupID, 1), m.Artifact)

	// Flip one byte in the middle of the last part, in the bucket.
	last := m.Object.Parts[len(m.Object.Parts)-1]
	file := filepath.Join(p.store.Dir(), filepath.FromSlash(m.Object.Key))
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	data[last.Offset+last.Size/2] ^= 0x01
	require.NoError(t, os.WriteFile(file, data, 0o644))

	_, err = verify.Stored(ctx, p.repo(), manifestKey)
	var f *verify.Failure
	require.ErrorAs(t, err, &f)
	require.True(t, f.Damaged())
	require.Equal(t, job.BackupID, f.BackupID)
	require.Equal(t, last.Index, f.Part, "the failure names the damaged part")

	// The verify job on the tampered object records the failure in the
	// bucket and raises a failed verify event (paged as critical).
	again := messages.VerifyRequested{V: 1, Tenant: job.Tenant, Kind: job.Kind, BackupID: job.BackupID, ManifestKey: manifestKey}
	require.NoError(t, jobs.NewPublisher(p.n.JS).Publish(ctx, messages.VerifySubject(job.BackupID), again, "reverify:"+job.BackupID))
	bad := p.event(t, job, messages.StageVerify, messages.StatusFailed)
	require.Contains(t, bad.Error, job.BackupID)
	v = p.verification(t, manifestKey)
	require.False(t, v.Verified, "verified.json now says the backup is bad")
	require.NotEmpty(t, v.Reason)
}

func (p *pipeline) repo() backup.Repository {
	return backup.Repository{Store: p.store, Layout: p.layout, Keys: p.keys}
}

// verification reads and authenticates verified.json beside a manifest.
func (p *pipeline) verification(t *testing.T, manifestKey string) backup.Verification {
	t.Helper()
	v, found, err := p.repo().Verification(t.Context(), manifestKey)
	require.NoError(t, err)
	require.True(t, found)
	return v
}

// The manifest of another tenant's backup copied over a backup's manifest
// (a bucket writer swapping them): the next verify job refuses it, records
// the backup as failed verification, and pages.
func TestVerifierFailsABackupWhoseManifestWasSwapped(t *testing.T) {
	t.Parallel()
	p := startPipeline(t)
	ctx := t.Context()
	acme, beta := p.backup(t, "acme"), p.backup(t, "beta")
	keyA := p.event(t, acme, messages.StageVerify, messages.StatusSucceeded).Attrs["manifest"]
	keyB := p.event(t, beta, messages.StageVerify, messages.StatusSucceeded).Attrs["manifest"]

	rc, err := p.store.Get(ctx, keyB, objstore.Range{})
	require.NoError(t, err)
	docB, err := io.ReadAll(rc)
	_ = rc.Close()
	require.NoError(t, err)
	_, err = p.store.Put(ctx, keyA, bytes.NewReader(docB), int64(len(docB)))
	require.NoError(t, err)

	again := messages.VerifyRequested{V: 1, Tenant: acme.Tenant, Kind: acme.Kind, BackupID: acme.BackupID, ManifestKey: keyA}
	require.NoError(t, jobs.NewPublisher(p.n.JS).Publish(ctx, messages.VerifySubject(acme.BackupID), again, "reverify:"+acme.BackupID))
	bad := p.event(t, acme, messages.StageVerify, messages.StatusFailed)
	require.Contains(t, bad.Error, "refuse "+keyA)
	v := p.verification(t, keyA)
	require.False(t, v.Verified)
	require.Contains(t, v.Reason, "describes another backup")
	require.True(t, p.verification(t, keyB).Verified, "the other tenant's backup is untouched")
}

// A tenant of several parts is backed up and verified on the filesystem
// store, the embedded default, which refuses a short part as S3 does: the
// exporter cuts parts by their compressed size, so every part but the last
// is at least S3's 5 MiB minimum, and every part is compressed.
func TestMultiPartTenantIsVerifiedOnTheFilesystemStore(t *testing.T) {
	t.Parallel()
	p := startPipeline(t)
	// About 38 MiB of hex notes, ~20 MiB compressed: four 5 MiB parts.
	_, err := p.db.Pool.Exec(t.Context(), `INSERT INTO public.invoices (id, "tenantId", subscription_id, amount, note)
		SELECT 900000 + i, 'acme', 11, 1, (SELECT string_agg(md5(i || '-' || g), '') FROM generate_series(1, 100000) g)
		FROM generate_series(1, 12) i`)
	require.NoError(t, err)
	job := p.backup(t, "acme")

	ok := p.event(t, job, messages.StageVerify, messages.StatusSucceeded)
	m, err := verify.Manifest(t.Context(), p.repo(), ok.Attrs["manifest"])
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(m.Object.Parts), 3, "several parts")
	for _, part := range m.Object.Parts[:len(m.Object.Parts)-1] {
		require.GreaterOrEqual(t, part.Size, objstore.MinPartSize, "part %d", part.Index)
		require.Less(t, part.Size, part.PlainSize, "part %d is stored compressed", part.Index)
	}
	stream, err := p.n.JS.Stream(t.Context(), messages.StreamDLQ)
	require.NoError(t, err)
	info, err := stream.Info(t.Context())
	require.NoError(t, err)
	require.Zero(t, info.State.Msgs, "nothing dead-lettered")
}

// A tenant that does not exist is refused at once and dead-lettered, with a
// failure event an operator is paged on.
func TestMissingTenantIsDeadLetteredWithAReason(t *testing.T) {
	t.Parallel()
	p := startPipeline(t)
	job := p.backup(t, "no-such-tenant")
	e := p.event(t, job, messages.StageExport, messages.StatusDeadLettered)
	require.Contains(t, e.Error, "unknown tenant")
}
