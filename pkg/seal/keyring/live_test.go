package keyring_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

type liveBundle struct {
	store keyring.File
	live  *keyring.Live
	clock *fakeClock
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func setupLive(t *testing.T) liveBundle {
	t.Helper()
	store := keyring.File{Path: filepath.Join(t.TempDir(), "keyring.json"), Passphrase: []byte("p")}
	_, err := keyring.Init(t.Context(), store)
	require.NoError(t, err)
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	live := keyring.NewLive(func(ctx context.Context) (*keyring.Keyring, error) { return keyring.Load(ctx, store) },
		keyring.WithLease(15*time.Second), keyring.WithClock(clock.now))
	live.Observe(keyring.Epoch{})
	require.NoError(t, live.Advance(t.Context(), keyring.Epoch{}))
	return liveBundle{store: store, live: live, clock: clock}
}

// change applies f to the stored keyring and returns the epoch a CLI would
// announce for it.
func (b liveBundle) change(t *testing.T, n uint64, f func(*keyring.Keyring) error) keyring.Epoch {
	t.Helper()
	kr, err := keyring.Load(t.Context(), b.store)
	require.NoError(t, err)
	require.NoError(t, f(kr))
	require.NoError(t, kr.Save(t.Context(), b.store))
	return keyring.Epoch{N: n, Fingerprint: kr.Fingerprint()}
}

// An announced rotation makes the held keyring refuse until it is reloaded;
// after Advance the tenant's parts seal under its new key.
func TestLiveKeyringRefusesUntilItHoldsTheAnnouncedEpoch(t *testing.T) {
	t.Parallel()
	b := setupLive(t)
	before, err := b.live.Primary("acme")
	require.NoError(t, err)
	require.Equal(t, uint64(0), b.live.Epoch())

	var tenantKey keyring.Info
	e1 := b.change(t, 1, func(kr *keyring.Keyring) error { tenantKey, err = kr.Rotate("acme"); return err })
	require.NotEqual(t, b.live.Held().Fingerprint, e1.Fingerprint)

	b.live.Observe(e1)
	_, err = b.live.Primary("acme")
	require.ErrorIs(t, err, keyring.ErrStale)
	_, err = b.live.Key(before.ID)
	require.ErrorIs(t, err, keyring.ErrStale)
	_, ok := b.live.Pin(0)
	require.False(t, ok, "nothing made under epoch 0 is published once epoch 1 is seen")

	require.NoError(t, b.live.Advance(t.Context(), e1))
	require.Equal(t, e1, b.live.Held())
	kek, err := b.live.Primary("acme")
	require.NoError(t, err)
	require.Equal(t, tenantKey.ID, kek.ID)
	release, ok := b.live.Pin(1)
	require.True(t, ok)
	release()
}

// A source that does not hold the announced keyring (a host whose copy of
// the file was not updated) leaves the service refusing, and says why.
func TestLiveKeyringStaysBehindWhileItsSourceLags(t *testing.T) {
	t.Parallel()
	b := setupLive(t)
	e := keyring.Epoch{N: 3, Fingerprint: "0123456789abcdef"}
	b.live.Observe(e)
	err := b.live.Advance(t.Context(), e)
	require.ErrorContains(t, err, "epoch 3")
	require.Contains(t, b.live.Behind(), "announced for 0123456789ab")
	require.Equal(t, uint64(0), b.live.Epoch())
	_, err = b.live.Primary("")
	require.ErrorIs(t, err, keyring.ErrStale)
}

// After erase-tenant is announced and loaded, the tenant cannot be sealed
// for and its old key opens nothing.
func TestLiveKeyringAfterErasure(t *testing.T) {
	t.Parallel()
	b := setupLive(t)
	var tk keyring.Info
	var err error
	e1 := b.change(t, 1, func(kr *keyring.Keyring) error { tk, err = kr.Rotate("acme"); return err })
	b.live.Observe(e1)
	require.NoError(t, b.live.Advance(t.Context(), e1))
	e2 := b.change(t, 2, func(kr *keyring.Keyring) error { return kr.DestroyTenant("acme") })
	b.live.Observe(e2)
	require.NoError(t, b.live.Advance(t.Context(), e2))

	_, err = b.live.Primary("acme")
	require.ErrorIs(t, err, keyring.ErrTenantErased)
	_, err = b.live.Key(tk.ID)
	var unknown *seal.UnknownKeyError
	require.ErrorAs(t, err, &unknown)
	require.True(t, unknown.Destroyed)
	_, err = b.live.Primary("beta")
	require.NoError(t, err, "other tenants seal under the default key")
}

// An epoch not confirmed within the lease (the watcher cannot reach NATS)
// is not trusted: the service stops sealing rather than risk a missed
// erasure.
func TestLiveKeyringLeaseExpires(t *testing.T) {
	t.Parallel()
	b := setupLive(t)
	b.clock.add(14 * time.Second)
	_, err := b.live.Primary("")
	require.NoError(t, err)
	b.clock.add(2 * time.Second)
	_, err = b.live.Primary("")
	require.ErrorIs(t, err, keyring.ErrStale)
	require.ErrorContains(t, err, "not confirmed")
	b.live.Observe(keyring.Epoch{})
	_, err = b.live.Primary("")
	require.NoError(t, err)
}

func TestFingerprintChangesWithRotationAndErasureOnly(t *testing.T) {
	t.Parallel()
	kr := keyring.New()
	_, err := kr.Rotate("")
	require.NoError(t, err)
	f0 := kr.Fingerprint()
	doc, err := kr.Marshal()
	require.NoError(t, err)
	again, err := keyring.Unmarshal(doc)
	require.NoError(t, err)
	require.Equal(t, f0, again.Fingerprint(), "same keyring, same fingerprint")
	_, err = kr.Rotate("acme")
	require.NoError(t, err)
	f1 := kr.Fingerprint()
	require.NotEqual(t, f0, f1)
	require.NoError(t, kr.DestroyTenant("acme"))
	require.NotEqual(t, f1, kr.Fingerprint())
}
