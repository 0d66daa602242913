package service_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/teststack"
)

// A good backup read back from the bucket is verified: a succeeded event
// with its size, tables and rows, and verified.json saying so. Asked again
// (the same job, as a redelivery after a lost ack hands it over), it is
// verified again: verified.json is written anew and still says verified,
// and the outcome is the same fact (its event id is the first one's, so
// EVENTS keeps one), never a failure.
func TestVerifierVerifiesAGoodBackupAndAgainWhenAskedAgain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.start(t, b.store, b.keys)
	c := b.commit(t, "acme", "bk-good", 500)

	b.request(t, c, "verify:1")
	e := b.outcome(t, c)
	require.Equal(t, messages.StatusSucceeded, e.Status, e.Error)
	require.Equal(t, c.m.Object.Size, e.Bytes)
	require.Equal(t, c.key, e.Attrs["manifest"])
	require.Equal(t, "1", e.Attrs["tables"])
	require.Equal(t, "500", e.Attrs["rows"])
	first := b.verification(t, c)
	require.True(t, first.Verified)
	require.Equal(t, "bk-good", first.BackupID)
	require.Equal(t, int64(500), first.Rows)
	require.Equal(t, c.m.Object.Size, first.ObjectBytes)
	require.Equal(t, c.m.PlainSize, first.PlainBytes)

	b.request(t, c, "verify:2")
	teststack.Eventually(t, teststack.MinWait, func() bool {
		return b.verification(t, c).CheckedAt.After(first.CheckedAt)
	}, "verified.json written by the second verification")
	again := b.verification(t, c)
	require.True(t, again.Verified)
	require.Equal(t, first.Rows, again.Rows)
	require.False(t, b.hasEvent(t, c, messages.StatusFailed), "no failed verification")
	requireNoDeadLetter(t, b)
}

// One byte flipped in the stored object: the verification fails naming the
// backup and the damaged part, verified.json says so, and the job succeeds
// (a failed event pages; retrying cannot mend the bytes).
func TestVerifierFailsATamperedObject(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.start(t, b.store, b.keys)
	c := b.commit(t, "acme", "bk-tampered", 500)
	part := c.m.Object.Parts[1]
	bad := append([]byte(nil), c.obj...)
	bad[part.Offset+part.Size/2] ^= 0x01
	b.put(t, c.m.Object.Key, bad)

	b.request(t, c, "verify:1")
	e := b.outcome(t, c)
	require.Equal(t, messages.StatusFailed, e.Status)
	require.Contains(t, e.Error, "verify backup bk-tampered")
	require.Contains(t, e.Error, "part 1", "the failure names the damaged part")
	v := b.verification(t, c)
	require.False(t, v.Verified)
	require.Equal(t, e.Error, v.Reason)
	requireNoDeadLetter(t, b)
}

// Another tenant's data object written under this tenant's key (a bucket
// writer swapping them): well sealed, but not the object this manifest
// describes, so the verification fails; the other backup stays verified.
func TestVerifierFailsAnotherTenantsObjectUnderThisTenantsKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.start(t, b.store, b.keys)
	acme := b.commit(t, "acme", "bk-acme", 500)
	beta := b.commit(t, "beta", "bk-beta", 500)
	b.put(t, acme.m.Object.Key, beta.obj)

	b.request(t, acme, "verify:acme")
	b.request(t, beta, "verify:beta")
	e := b.outcome(t, acme)
	require.Equal(t, messages.StatusFailed, e.Status)
	// The seal refuses the first part: sealed for another artifact.
	require.Contains(t, e.Error, "verify backup bk-acme: seal part 0")
	require.Contains(t, e.Error, "another artifact's part")
	require.False(t, b.verification(t, acme).Verified)
	require.Equal(t, messages.StatusSucceeded, b.outcome(t, beta).Status)
	require.True(t, b.verification(t, beta).Verified, "the other tenant's backup is untouched")
	requireNoDeadLetter(t, b)
}

// appearsAfterAMiss is a bucket that does not show a data object until
// someone has looked for it once, as a server that shows a fresh object a
// moment after its manifest: the first read of each is a 404, after which
// the object is there.
type appearsAfterAMiss struct {
	objstore.Store
	mu      sync.Mutex
	pending map[string][]byte // key → the object still to appear
	misses  int
}

func (s *appearsAfterAMiss) Get(ctx context.Context, key string, rng objstore.Range) (io.ReadCloser, error) {
	s.mu.Lock()
	data, hidden := s.pending[key]
	if hidden {
		delete(s.pending, key)
		s.misses++
	}
	s.mu.Unlock()
	if hidden {
		if _, err := s.Put(ctx, key, strings.NewReader(string(data)), int64(len(data))); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("get %s: %w", key, objstore.ErrNotFound)
	}
	return s.Store.Get(ctx, key, rng)
}

// An object the manifest names but the bucket does not show yet is looked
// for again before the backup is called damaged: it appears, and the
// backup is verified.
func TestVerifierWaitsForAnObjectThatAppearsShortly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.commit(t, "acme", "bk-late", 500)
	require.NoError(t, b.store.Delete(t.Context(), c.m.Object.Key))
	late := &appearsAfterAMiss{Store: b.store, pending: map[string][]byte{c.m.Object.Key: c.obj}}
	b.start(t, late, b.keys)

	b.request(t, c, "verify:1")
	e := b.outcome(t, c)
	require.Equal(t, messages.StatusSucceeded, e.Status, e.Error)
	require.True(t, b.verification(t, c).Verified)
	late.mu.Lock()
	defer late.mu.Unlock()
	require.Equal(t, 1, late.misses, "the object was missing at first")
}

// A verifier given the wrong keyring (not the one the backup was sealed
// with) cannot judge the backup: it must not turn the backup's passed
// verification into a failure (it used to write a failed verified.json,
// sealed under its own keyring, over the passed one). The job is
// dead-lettered at once, naming the key it does not hold, which pages
// dead-lettered; no failed verification is published.
func TestVerifierWithTheWrongKeyringKeepsThePassedRecordAndDeadLetters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.commit(t, "acme", "bk-keys", 500)
	passed := b.verifiedBefore(t, c)
	b.start(t, b.store, keyringtest.New(t))

	b.request(t, c, "verify:1")
	b.settled(t, c)
	require.Equal(t, passed, b.verification(t, c), "the passed verification stands")
	require.False(t, b.hasEvent(t, c, messages.StatusFailed), "no failed verification")
	d := b.deadLetter(t)
	require.Equal(t, c.m.BackupID, d.About.BackupID)
	require.Contains(t, d.Reason, "cannot judge")
	require.Contains(t, d.Reason, c.m.KeyIDs[0], "names the key it does not hold")
	require.True(t, b.hasEvent(t, c, messages.StatusDeadLettered), "a dead_lettered event for the alerter")
}

// A verifier whose keyring lacks a newer key version (the tenant's key was
// rotated, its copy of the keyring is older) cannot open the backup sealed
// under it: the same as a wrong keyring, the passed record stands and the
// job is dead-lettered.
func TestVerifierLackingANewerKeyKeepsThePassedRecordAndDeadLetters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, err := b.keys.Marshal()
	require.NoError(t, err)
	old, err := keyring.Unmarshal(doc)
	require.NoError(t, err)
	_, err = b.keys.Rotate("acme")
	require.NoError(t, err)
	c := b.commit(t, "acme", "bk-rotated", 500)
	passed := b.verifiedBefore(t, c)
	b.start(t, b.store, old)

	b.request(t, c, "verify:1")
	b.settled(t, c)
	require.Equal(t, passed, b.verification(t, c), "the passed verification stands")
	require.False(t, b.hasEvent(t, c, messages.StatusFailed), "no failed verification")
	d := b.deadLetter(t)
	require.Contains(t, d.Reason, c.m.KeyIDs[0])
}

// catchingUp is a verifier's keyring that has not heard of a rotation
// yet: the first lookup of a key it lacks fails, after which it holds the
// rotated keyring, as a live keyring does once the new epoch reaches it.
type catchingUp struct {
	cur    atomic.Pointer[keyring.Keyring]
	next   *keyring.Keyring
	misses atomic.Int32
}

func (c *catchingUp) Primary(tenant string) (seal.KEK, error) { return c.cur.Load().Primary(tenant) }

func (c *catchingUp) Key(id string) (seal.KEK, error) {
	k, err := c.cur.Load().Key(id)
	if verify.LacksKey(err) {
		c.misses.Add(1)
		c.cur.Store(c.next)
	}
	return k, err
}

// A backup sealed under a key rotated a moment ago can reach the verifier
// before its keyring has the new epoch: it is tried again a few seconds
// later and verified, not dead-lettered.
func TestVerifierWaitsForItsKeyringToCatchUpWithARotation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, err := b.keys.Marshal()
	require.NoError(t, err)
	old, err := keyring.Unmarshal(doc)
	require.NoError(t, err)
	_, err = b.keys.Rotate("acme")
	require.NoError(t, err)
	c := b.commit(t, "acme", "bk-rotating", 500)
	keys := &catchingUp{next: b.keys}
	keys.cur.Store(old)
	b.start(t, b.store, keys)

	b.request(t, c, "verify:1")
	e := b.outcome(t, c)
	require.Equal(t, messages.StatusSucceeded, e.Status, e.Error)
	require.Equal(t, int32(1), keys.misses.Load(), "the key was missing at first")
	require.True(t, b.verification(t, c).Verified)
	requireNoDeadLetter(t, b)
}

// A backup sealed under a tenant's key that has since been destroyed
// (crypto-erasure) fails verification saying the tenant was erased, and
// nothing is recorded in the bucket: nothing can be sealed for an erased
// tenant.
func TestVerifierFailsABackupOfAnErasedTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.keys.Rotate("acme")
	require.NoError(t, err)
	c := b.commit(t, "acme", "bk-erased", 500)
	require.NoError(t, b.keys.DestroyTenant("acme"))
	b.start(t, b.store, b.keys)

	b.request(t, c, "verify:1")
	e := b.outcome(t, c)
	require.Equal(t, messages.StatusFailed, e.Status)
	require.Contains(t, e.Error, keyring.ErrTenantErased.Error())
	repo := backup.Repository{Store: b.store, Layout: b.layout, Keys: b.keys}
	_, found, err := repo.Verification(t.Context(), c.key)
	require.NoError(t, err)
	require.False(t, found, "no verified.json for an erased tenant")
	requireNoDeadLetter(t, b)
}

func requireNoDeadLetter(t *testing.T, b *bundle) {
	t.Helper()
	stream, err := b.n.JS.Stream(t.Context(), messages.StreamDLQ)
	require.NoError(t, err)
	info, err := stream.Info(t.Context())
	require.NoError(t, err)
	require.Zero(t, info.State.Msgs, "nothing dead-lettered")
}
