package service_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
	encryptor "github.com/arcabackup/arca/services/encryptor/service"
)

// source is a keyring store a test changes as `arca keys` would: each change
// is a new document and the epoch announced for it.
type source struct {
	mu  sync.Mutex
	doc []byte
	n   uint64
}

func (s *source) load(context.Context) (*keyring.Keyring, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return keyring.Unmarshal(s.doc)
}

func (s *source) change(t *testing.T, f func(*keyring.Keyring) error) keyring.Epoch {
	t.Helper()
	kr, err := s.load(t.Context())
	require.NoError(t, err)
	require.NoError(t, f(kr))
	doc, err := kr.Marshal()
	require.NoError(t, err)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.doc, s.n = doc, s.n+1
	return keyring.Epoch{N: s.n, Fingerprint: kr.Fingerprint()}
}

type epochBundle struct {
	n      *teststack.NATS
	st     *staging.Store
	src    *source
	live   *keyring.Live
	sealed chan messages.PartSealed
}

// setupEpoch starts an encryptor over keys (nil: the live keyring itself)
// and a collector of what it announces to the uploaders.
func setupEpoch(t *testing.T, keys func(*keyring.Live) encryptor.Keys) *epochBundle {
	t.Helper()
	ctx := t.Context()
	n := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	kr := keyringtest.New(t)
	doc, err := kr.Marshal()
	require.NoError(t, err)
	b := &epochBundle{n: n, st: st, src: &source{doc: doc}, sealed: make(chan messages.PartSealed, 8)}
	b.live = keyring.NewLive(b.src.load)
	b.live.Observe(keyring.Epoch{})
	require.NoError(t, b.live.Advance(ctx, keyring.Epoch{}))
	var k encryptor.Keys = b.live
	if keys != nil {
		k = keys(b.live)
	}
	enc, err := encryptor.New(encryptor.Deps{JS: n.JS, Staging: st, Keys: k}, encryptor.Config{})
	require.NoError(t, err)
	collector := jobs.NewWorker(n.JS, jobs.Stage{Name: messages.StageUpload, Subject: messages.SubjectUpload},
		func(ctx context.Context, j *jobs.Job[messages.PartSealed]) error { b.sealed <- j.Msg; return nil }, jobs.Config{})
	teststack.Background(t, "encryptor", enc.Run)
	teststack.Background(t, "upload collector", collector.Run)
	return b
}

// stage puts a plaintext part of tenant into staging and publishes its
// encrypt job; it returns the job and the plaintext.
func (b *epochBundle) stage(t *testing.T, tenant string) (messages.PartReady, []byte) {
	t.Helper()
	plain := make([]byte, 64<<10)
	_, _ = rand.Read(plain)
	at := time.Now().UTC()
	backupID := messages.BackupID(messages.KindTenant, "r1", tenant, at)
	art := messages.ArtifactID(backupID, 1)
	info, err := b.st.Put(t.Context(), staging.PlainKey(art, 0), bytes.NewReader(plain), nil)
	require.NoError(t, err)
	m := messages.PartReady{V: messages.Version, ArtifactPart: messages.ArtifactPart{Artifact: art, Tenant: tenant, Kind: messages.KindTenant, BackupID: backupID, Part: 0, Last: true}, Size: info.Size, SHA256: info.SHA256, StagingKey: staging.PlainKey(art, 0)}
	require.NoError(t, jobs.NewPublisher(b.n.JS).Publish(t.Context(), messages.EncryptSubject(art, 0), m, messages.PartReadyMsgID(art, 0)))
	return m, plain
}

func (b *epochBundle) next(t *testing.T) messages.PartSealed {
	t.Helper()
	select {
	case p := <-b.sealed:
		return p
	case <-time.After(time.Minute):
		t.Fatal("no sealed part announced within a minute")
	}
	return messages.PartSealed{}
}

// headerKey opens the staged sealed part and returns the key id its header
// names, checking that it opens into plain.
func (b *epochBundle) headerKey(t *testing.T, p messages.PartSealed, plain []byte) string {
	t.Helper()
	kr, err := b.src.load(t.Context())
	require.NoError(t, err)
	rc, _, err := b.st.Get(t.Context(), p.StagingKey)
	require.NoError(t, err)
	defer func() { _ = rc.Close() }()
	rec := &lookups{kr: kr}
	got, err := io.ReadAll(seal.NewReader(rc, p.Artifact, rec))
	require.NoError(t, err)
	require.Equal(t, plain, got)
	require.Len(t, rec.ids, 1)
	return rec.ids[0]
}

type lookups struct {
	kr  *keyring.Keyring
	ids []string
}

func (l *lookups) Key(id string) (seal.KEK, error) { l.ids = append(l.ids, id); return l.kr.Key(id) }

// changing seals the first part under the held epoch and, meanwhile, a new
// epoch is announced and loaded (as the watcher would).
type changing struct {
	*keyring.Live
	once   sync.Once
	change func()
}

func (c *changing) Primary(tenant string) (seal.KEK, error) {
	kek, err := c.Live.Primary(tenant)
	c.once.Do(c.change)
	return kek, err
}

// A rotation loaded while a part is being sealed under the old key: the part
// is sealed again under the new key before it is announced.
func TestPartSealedWhileTheKeyringChangesIsSealedAgainUnderTheNewKey(t *testing.T) {
	t.Parallel()
	var b *epochBundle
	var tenantKey keyring.Info
	b = setupEpoch(t, func(live *keyring.Live) encryptor.Keys {
		return &changing{Live: live, change: func() {
			e := b.src.change(t, func(kr *keyring.Keyring) (err error) { tenantKey, err = kr.Rotate("acme"); return err })
			live.Observe(e)
			if err := live.Advance(context.Background(), e); err != nil {
				t.Error(err)
			}
		}}
	})
	_, plain := b.stage(t, "acme")
	p := b.next(t)
	require.Equal(t, tenantKey.ID, p.KeyID)
	require.Equal(t, tenantKey.ID, b.headerKey(t, p, plain))
}

// While the encryptor has seen an epoch it has not loaded, it seals nothing
// (the job waits); once it loads the epoch the part seals under the new key.
func TestStaleKeyringSealsNothingUntilItCatchesUp(t *testing.T) {
	t.Parallel()
	b := setupEpoch(t, nil)
	ctx := t.Context()
	var tenantKey keyring.Info
	e := b.src.change(t, func(kr *keyring.Keyring) (err error) { tenantKey, err = kr.Rotate("acme"); return err })
	b.live.Observe(e)
	m, plain := b.stage(t, "acme")

	ev := nextEvent(t, events(t, b.n.JS, m, messages.StatusRetrying))
	require.Contains(t, ev.Error, keyring.ErrStale.Error())
	_, err := b.st.Stat(ctx, staging.SealedKey(m.Artifact, 0))
	require.ErrorIs(t, err, staging.ErrNotFound, "nothing sealed under the superseded keyring")

	require.NoError(t, b.live.Advance(ctx, e))
	p := b.next(t)
	require.Equal(t, tenantKey.ID, p.KeyID)
	require.Equal(t, tenantKey.ID, b.headerKey(t, p, plain))
}

// After erasure the tenant's part is dead-lettered on its first attempt with
// "tenant keys were destroyed"; other tenants still seal.
func TestErasedTenantIsDeadLetteredAtOnce(t *testing.T) {
	t.Parallel()
	b := setupEpoch(t, nil)
	ctx := t.Context()
	for _, f := range []func(*keyring.Keyring) error{
		func(kr *keyring.Keyring) error { _, err := kr.Rotate("acme"); return err },
		func(kr *keyring.Keyring) error { return kr.DestroyTenant("acme") },
	} {
		e := b.src.change(t, f)
		b.live.Observe(e)
		require.NoError(t, b.live.Advance(ctx, e))
	}
	m, _ := b.stage(t, "acme")
	b.deadLetteredAtOnce(t, m, keyring.ErrTenantErased)

	_, plain := b.stage(t, "beta")
	p := b.next(t)
	def, err := b.live.Primary("")
	require.NoError(t, err)
	require.Equal(t, def.ID, b.headerKey(t, p, plain))
}
