package replicate_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/backup/backuptest"
	"github.com/arcabackup/arca/pkg/backup/replicate"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
)

var layout = backup.Layout{Prefix: "p"}

func newStore(t *testing.T) objstore.Store {
	s, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	return s
}

func put(t *testing.T, s objstore.Store, key string, b []byte) {
	_, err := s.Put(t.Context(), key, bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
}

// A copy comes from the first destination whose bytes are the manifest's:
// one holding a damaged object is passed over. The new copy is verified
// where it is and its verification recorded there; the events say copied
// and verified, in the destination.
func TestBackupCopiesFromTheFirstDestinationWhoseBytesAreTheManifests(t *testing.T) {
	t.Parallel()
	kr := keyringtest.New(t)
	damaged, good, dr := newStore(t), newStore(t), newStore(t)
	m, key, obj, err := backuptest.Commit(t.Context(), good, layout, kr, backuptest.Spec{Tenant: "t", BackupID: "f-1", Rows: 50})
	require.NoError(t, err)
	put(t, damaged, key, get(t, good, key))
	put(t, damaged, m.Object.Key, append(bytes.Clone(obj[:len(obj)-1]), obj[len(obj)-1]^1))

	var tried []string
	res, err := replicate.Backup(t.Context(), replicate.Options{BackupID: "f-1", Layout: layout, Keys: kr, By: "test",
		From: destinations.Set{{Name: "a", Store: damaged}, {Name: "b", Store: good}}, To: destinations.Destination{Name: "dr", Store: dr},
		Try: func(ctx context.Context, set destinations.Set, fn func(context.Context, destinations.Destination) error) (string, error) {
			return set.Try(ctx, func(ctx context.Context, d destinations.Destination) error {
				tried = append(tried, d.Name)
				return fn(ctx, d)
			})
		}})
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, tried)
	require.Equal(t, "b", res.From)
	require.True(t, res.Verified.Verified)
	require.Equal(t, m.Object.Size, res.Verified.ObjectBytes)

	e, err := (backup.Repository{Store: dr, Layout: layout, Keys: kr}).Get(t.Context(), "f-1", "t")
	require.NoError(t, err)
	require.NotNil(t, e.Verification)
	require.True(t, e.Verification.Verified)
	require.Equal(t, "dr", e.Verification.Destination)

	require.Len(t, res.Events, 2)
	for i, stage := range []string{messages.StageCopy, messages.StageVerify} {
		require.Equal(t, stage, res.Events[i].Stage)
		require.Equal(t, messages.StatusSucceeded, res.Events[i].Status)
		require.Equal(t, "dr", res.Events[i].Attrs[messages.DestinationAttr])
		require.Equal(t, messages.KindTenant, res.Events[i].Kind)
	}
}

// When no destination can serve the backup, the copy fails and its one
// event says so (copy-missing pages on it); nothing is written.
func TestBackupThatNoDestinationHoldsFailsWithACopyFailedEvent(t *testing.T) {
	t.Parallel()
	kr := keyringtest.New(t)
	m, _, err := backuptest.Build(t.Context(), layout, kr, backuptest.Spec{Tenant: "t", BackupID: "f-2", Rows: 5})
	require.NoError(t, err)
	key, doc, err := layout.SealManifest(t.Context(), m, kr)
	require.NoError(t, err)
	src, dr := newStore(t), newStore(t)
	put(t, src, key, doc) // the manifest without its object
	res, err := replicate.Backup(t.Context(), replicate.Options{BackupID: "f-2", Tenant: "t", Layout: layout, Keys: kr, Primary: true,
		From: destinations.Set{{Name: "a", Store: src}}, To: destinations.Destination{Name: "main", Store: dr}})
	require.ErrorIs(t, err, objstore.ErrNotFound)
	require.Len(t, res.Events, 1)
	require.Equal(t, messages.StatusFailed, res.Events[0].Status)
	require.Equal(t, "f-2", res.Events[0].BackupID)
	require.NotContains(t, res.Events[0].Attrs, messages.DestinationAttr, "the primary's events name no destination")
	_, err = dr.Stat(t.Context(), m.Object.Key)
	require.ErrorIs(t, err, objstore.ErrNotFound)
}

// unreadable fails every read of one key, as a destination that cannot be
// read back at the moment.
type unreadable struct {
	objstore.Store
	key string
}

func (u unreadable) Get(ctx context.Context, key string, rng objstore.Range) (io.ReadCloser, error) {
	if key == u.key {
		return nil, errors.New("read tcp: connection reset by peer")
	}
	return u.Store.Get(ctx, key, rng)
}

// A copy that cannot be read back is not verified, and not failed either:
// the copy's passed verification in the destination stands, and only the
// copy's event is reported. Before, the read error was recorded there as
// a failed verification of a good copy.
func TestBackupWhoseCopyCannotBeReadBackKeepsItsVerification(t *testing.T) {
	t.Parallel()
	kr := keyringtest.New(t)
	src, dr := newStore(t), newStore(t)
	m, _, _, err := backuptest.Commit(t.Context(), src, layout, kr, backuptest.Spec{Tenant: "t", BackupID: "f-3", Rows: 5})
	require.NoError(t, err)
	opts := replicate.Options{BackupID: "f-3", Tenant: "t", Layout: layout, Keys: kr,
		From: destinations.Set{{Name: "a", Store: src}}, To: destinations.Destination{Name: "dr", Store: dr}}
	_, err = replicate.Backup(t.Context(), opts)
	require.NoError(t, err)
	repo := backup.Repository{Store: dr, Layout: layout, Keys: kr}
	before, err := repo.Get(t.Context(), "f-3", "t")
	require.NoError(t, err)
	require.True(t, before.Verification.Verified)

	opts.To.Store = unreadable{Store: dr, key: m.Object.Key}
	res, err := replicate.Backup(t.Context(), opts)
	require.ErrorContains(t, err, "could not be verified")
	require.Len(t, res.Events, 1)
	require.Equal(t, messages.StageCopy, res.Events[0].Stage)
	after, err := repo.Get(t.Context(), "f-3", "t")
	require.NoError(t, err)
	require.Equal(t, before.Verification, after.Verification, "the passed verification stands")
}

// Archive copies what the destination lacks of the base backups and the
// WAL, and nothing else.
func TestArchiveCopiesTheBaseBackupsAndWALTheDestinationLacks(t *testing.T) {
	t.Parallel()
	from, to := newStore(t), newStore(t)
	for _, k := range []string{layout.WAL("00000001", "000000010000000000000001"), layout.WAL("00000001", "000000010000000000000002"),
		layout.KindPrefix("base") + "b1/data.arca", layout.KindPrefix("tenants") + "t/x/manifest.json"} {
		put(t, from, k, []byte(k))
	}
	put(t, to, layout.WAL("00000001", "000000010000000000000001"), []byte(layout.WAL("00000001", "000000010000000000000001")))
	rep, err := replicate.Archive(t.Context(), from, to, layout, backup.Writes{})
	require.NoError(t, err)
	require.Equal(t, destinations.SyncReport{Copied: 2, Had: 1, Bytes: int64(len(layout.WAL("00000001", "000000010000000000000002")) + len(layout.KindPrefix("base")+"b1/data.arca"))}, rep)
	_, err = to.Stat(t.Context(), layout.KindPrefix("tenants")+"t/x/manifest.json")
	require.ErrorIs(t, err, objstore.ErrNotFound)
	require.Equal(t, layout.KindPrefix("base")+"b1/data.arca", string(get(t, to, layout.KindPrefix("base")+"b1/data.arca")))
}

func get(t *testing.T, s objstore.Store, key string) []byte {
	rc, err := s.Get(t.Context(), key, objstore.Range{})
	require.NoError(t, err)
	defer func() { _ = rc.Close() }()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return b
}

// written records the settings of every write to a store, by key.
type written struct {
	objstore.Store
	mu   sync.Mutex
	opts map[string]objstore.Options
}

func newWritten(t *testing.T) *written {
	return &written{Store: newStore(t), opts: map[string]objstore.Options{}}
}

func (w *written) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.Option) (objstore.ObjectInfo, error) {
	w.mu.Lock()
	w.opts[key] = objstore.NewOptions(opts...)
	w.mu.Unlock()
	return w.Store.Put(ctx, key, r, size, opts...)
}

func (w *written) of(key string) objstore.Options {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.opts[key]
}

// A copy by hand is written as the uploader's copy job writes it in that
// destination: under the destination's own SSE-KMS key, its storage class
// and Object Lock retention for the kind, and the tags every backup
// object carries; the manifest alike but in the standard class. Before,
// arca copy wrote both with none of them (the bucket's defaults: no
// archive class, no retention, the bucket's key).
func TestBackupCopyIsWrittenWithItsDestinationsOwnSettings(t *testing.T) {
	t.Parallel()
	kr := keyringtest.New(t)
	src, dr := newStore(t), newWritten(t)
	m, key, _, err := backuptest.Commit(t.Context(), src, layout, kr, backuptest.Spec{Tenant: "t", BackupID: "f-4", Rows: 5})
	require.NoError(t, err)
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	w := backup.Writes{SSEKMSKeyID: "arn:aws:kms:us-east-1:1:key/dr", Policies: map[string]backup.ObjectPolicy{
		m.Kind: {StorageClass: "STANDARD_IA", Retain: 24 * time.Hour, LockMode: objstore.LockGovernance}}}
	_, err = replicate.Backup(t.Context(), replicate.Options{BackupID: "f-4", Tenant: "t", Layout: layout, Keys: kr, Writes: w,
		Now: func() time.Time { return now }, From: destinations.Set{{Name: "a", Store: src}}, To: destinations.Destination{Name: "dr", Store: dr}})
	require.NoError(t, err)

	tags := map[string]string{"DataType": "HealthRecords", "Kind": m.Kind, "Tenant": "t"}
	lock := objstore.Lock{Mode: objstore.LockGovernance, RetainUntil: now.Add(24 * time.Hour)}
	obj := dr.of(m.Object.Key)
	require.Equal(t, "arn:aws:kms:us-east-1:1:key/dr", obj.SSEKMSKeyID, "the copy under the destination's own key")
	require.Equal(t, "STANDARD_IA", obj.StorageClass)
	require.Equal(t, tags, obj.Tags)
	require.Equal(t, lock, obj.Lock)
	man := dr.of(key)
	require.Equal(t, "arn:aws:kms:us-east-1:1:key/dr", man.SSEKMSKeyID, "its manifest too")
	require.Empty(t, man.StorageClass, "the manifest stays in the standard class")
	require.Equal(t, tags, man.Tags)
	require.Equal(t, lock, man.Lock)
	rec := dr.of(backup.VerificationKey(key))
	require.Equal(t, "arn:aws:kms:us-east-1:1:key/dr", rec.SSEKMSKeyID, "verified.json under the destination's key too")
	info, err := dr.Stat(t.Context(), m.Object.Key)
	require.NoError(t, err)
	require.Equal(t, "STANDARD_IA", info.StorageClass)
	require.Equal(t, tags, info.Tags)
}

// The archive's copies keep what their writers gave them, a WAL segment's
// tags (its plaintext digest, which wal-push's "already archived" check
// reads) and a base backup's storage class, and are written under the
// destination's own SSE-KMS key. Before, they carried none of them.
func TestArchiveCopiesKeepTheirTagsAndClassUnderTheDestinationsKey(t *testing.T) {
	t.Parallel()
	from, to := newStore(t), newWritten(t)
	walKey, baseKey := layout.WAL("00000001", "000000010000000000000001"), layout.KindPrefix("base")+"b1/data.arca"
	walTags := map[string]string{"DataType": "HealthRecords", "Kind": "wal", "PlainSHA256": "ab12"}
	_, err := from.Put(t.Context(), walKey, bytes.NewReader([]byte("wal")), 3, objstore.WithTags(walTags))
	require.NoError(t, err)
	_, err = from.Put(t.Context(), baseKey, bytes.NewReader([]byte("base")), 4, objstore.WithStorageClass("GLACIER"),
		objstore.WithTags(map[string]string{"Kind": "base"}))
	require.NoError(t, err)

	rep, err := replicate.Archive(t.Context(), from, to, layout, backup.Writes{SSEKMSKeyID: "arn:aws:kms:us-east-1:1:key/dr"})
	require.NoError(t, err)
	require.Equal(t, 2, rep.Copied)
	wal := to.of(walKey)
	require.Equal(t, walTags, wal.Tags)
	require.Equal(t, "arn:aws:kms:us-east-1:1:key/dr", wal.SSEKMSKeyID)
	base := to.of(baseKey)
	require.Equal(t, "GLACIER", base.StorageClass)
	require.Equal(t, map[string]string{"Kind": "base"}, base.Tags)
	require.Equal(t, "arn:aws:kms:us-east-1:1:key/dr", base.SSEKMSKeyID)
	info, err := to.Stat(t.Context(), walKey)
	require.NoError(t, err)
	require.Equal(t, "ab12", info.Tags["PlainSHA256"])
}
