package service_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/iocount"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
	uploader "github.com/arcabackup/arca/services/uploader/service"
)

type bundle struct {
	n       *teststack.NATS
	staging *staging.Store
	keys    *keyring.Keyring
	layout  backup.Layout
}

func setup(t *testing.T) *bundle {
	t.Helper()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	kr := keyringtest.New(t)
	return &bundle{n: n, staging: st, keys: kr, layout: backup.Layout{Prefix: "test"}}
}

func quiet() jobs.Config {
	return jobs.Config{Slots: 8, AckWait: 2 * time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// startUploader runs one uploader replica on its own connection.
func (b *bundle) startUploader(t *testing.T, store objstore.Store) {
	t.Helper()
	_, js := teststack.Connect(t, b.n.URL)
	up, err := uploader.New(uploader.Deps{JS: js, Staging: b.staging, Store: store, Keys: b.keys}, uploader.Config{Layout: b.layout, Worker: quiet()})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := up.Run(ctx); err != nil {
			t.Errorf("uploader: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// artifact is a synthetic sealed artifact staged part by part. Only its
// hashes are kept, so a test can stage a gigabyte in flat memory.
type artifact struct {
	backupID, id, tenant string
	plainSHA, sealedSHA  string
	sealedSize           int64
	parts                []messages.PartSealed
}

// stageArtifact seals count pseudo-random parts of partSize bytes into
// staging and leaves the export facts beside them, as the encryptor and
// exporter would.
func (b *bundle) stageArtifact(t *testing.T, tenant string, count, partSize int) *artifact {
	t.Helper()
	at := time.Now().UTC()
	return b.stageAttempt(t, messages.BackupID(messages.KindTenant, "r-"+tenant, tenant, at), 1, tenant, count, partSize)
}

// stageAttempt stages attempt n of a backup, as stageArtifact does.
func (b *bundle) stageAttempt(t *testing.T, backupID string, n uint64, tenant string, count, partSize int) *artifact {
	t.Helper()
	ctx := t.Context()
	a := &artifact{tenant: tenant, backupID: backupID}
	a.id = messages.ArtifactID(a.backupID, n)
	kek, err := b.keys.Primary(tenant)
	require.NoError(t, err)
	rng := mrand.NewChaCha8([32]byte{byte(count), byte(partSize)})
	plainSum, sealedSum := sha256.New(), sha256.New()
	plain := make([]byte, partSize)
	for i := range count {
		_, _ = rng.Read(plain)
		plainSum.Write(plain)
		var buf bytes.Buffer
		_, err := seal.Seal(ctx, &buf, bytes.NewReader(plain), seal.Part{Artifact: a.id, Index: uint32(i), Last: i == count-1}, kek, seal.WithoutCompression())
		require.NoError(t, err)
		sealedSum.Write(buf.Bytes())
		a.sealedSize += int64(buf.Len())
		key := staging.SealedKey(a.id, i)
		info, err := b.staging.Put(ctx, key, &buf, nil)
		require.NoError(t, err)
		a.parts = append(a.parts, messages.PartSealed{
			V:            1,
			ArtifactPart: messages.ArtifactPart{Artifact: a.id, Tenant: tenant, Kind: messages.KindTenant, BackupID: a.backupID, Part: i, Last: i == count-1},
			PlainSize:    int64(partSize), Size: info.Size, SHA256: info.SHA256, KeyID: kek.ID, StagingKey: key,
		})
	}
	a.plainSHA, a.sealedSHA = hex.EncodeToString(plainSum.Sum(nil)), hex.EncodeToString(sealedSum.Sum(nil))
	_, err = b.staging.Put(ctx, staging.FactsKey(a.id), bytes.NewReader([]byte(`{"tables":[]}`)), nil)
	require.NoError(t, err)
	return a
}

// publish announces the parts in a shuffled order.
func (b *bundle) publish(t *testing.T, a *artifact) {
	t.Helper()
	pub := jobs.NewPublisher(b.n.JS)
	order := make([]int, len(a.parts))
	for i := range order {
		order[i] = i
	}
	for i := len(order) - 1; i > 0; i-- { // a fixed, scrambled order
		j := (i * 7919) % (i + 1)
		order[i], order[j] = order[j], order[i]
	}
	for _, i := range order {
		p := a.parts[i]
		require.NoError(t, pub.Publish(t.Context(), messages.UploadSubject(p.Artifact, p.Part), p, messages.PartSealedMsgID(p.Artifact, p.Part)))
	}
}

// waitForManifest waits for the commit point and returns the manifest.
func (b *bundle) waitForManifest(t *testing.T, store objstore.Store, a *artifact) backup.Manifest {
	t.Helper()
	key := b.layout.Manifest("tenant", a.tenant, a.backupID)
	var doc []byte
	// 200 parts of 5 MiB, each read twice from staging, take minutes on a loaded machine.
	teststack.Eventually(t, 10*time.Minute, func() bool {
		rc, err := store.Get(t.Context(), key, objstore.Range{})
		if err != nil {
			return false
		}
		defer func() { _ = rc.Close() }()
		doc, err = io.ReadAll(rc)
		return err == nil
	}, "manifest.json")
	m, err := b.layout.OpenManifest(t.Context(), key, doc, b.keys)
	require.NoError(t, err)
	return m
}

// objectSHA streams the committed object and returns its size and SHA-256,
// and the SHA-256 of what it opens to with the keyring.
func (b *bundle) objectSHA(t *testing.T, store objstore.Store, key, artifact string) (size int64, sealedSHA, plainSHA string) {
	t.Helper()
	rc, err := store.Get(t.Context(), key, objstore.Range{})
	require.NoError(t, err)
	defer func() { _ = rc.Close() }()
	sealedSum, plainSum := sha256.New(), sha256.New()
	counted := &iocount.Reader{R: io.TeeReader(rc, sealedSum)}
	_, err = io.Copy(plainSum, seal.NewReader(counted, artifact, b.keys))
	require.NoError(t, err)
	return counted.N, hex.EncodeToString(sealedSum.Sum(nil)), hex.EncodeToString(plainSum.Sum(nil))
}

// newS3 opens a store on a fresh bucket of a versitygw for this test.
func newS3(t *testing.T) objstore.Store {
	t.Helper()
	gw := teststack.NewVersityGW(t)
	s, err := s3store.New(t.Context(), s3store.Config{
		Endpoint: gw.Endpoint, Region: gw.Region, Bucket: gw.NewBucket(t, false), PathStyle: true,
		AccessKey: gw.AccessKey, SecretKey: gw.SecretKey,
	})
	require.NoError(t, err)
	return s
}

func noUploadsLeft(t *testing.T, store objstore.Store) int {
	t.Helper()
	n := 0
	for u, err := range store.ListMultipartUploads(t.Context(), "") {
		require.NoError(t, err)
		_ = u
		n++
	}
	return n
}

func streamMsgs(t *testing.T, js jetstream.JetStream, stream, filter string) int {
	t.Helper()
	s, err := js.Stream(t.Context(), stream)
	require.NoError(t, err)
	info, err := s.Info(t.Context(), jetstream.WithSubjectFilter(filter))
	require.NoError(t, err)
	total := 0
	for _, c := range info.State.Subjects {
		total += int(c)
	}
	return total
}
