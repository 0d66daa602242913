package destinations_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/teststack"
)

var gw *teststack.VersityGW

func TestMain(m *testing.M) { teststack.VersityGWMain(m, func(g *teststack.VersityGW) { gw = g }) }

// setup: versitygw as the primary, a directory as the second destination.
func setup(t *testing.T) (destinations.Set, *s3store.Store, *fsstore.Store) {
	t.Helper()
	s3, err := s3store.New(t.Context(), s3store.Config{Endpoint: gw.Endpoint, Region: gw.Region, Bucket: gw.NewBucket(t, false),
		PathStyle: true, AccessKey: gw.AccessKey, SecretKey: gw.SecretKey})
	require.NoError(t, err)
	fs, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	return destinations.Set{{Name: "s3", Store: s3}, {Name: "local", Store: fs}}, s3, fs
}

func put(t *testing.T, s objstore.Store, key, body string) {
	t.Helper()
	_, err := s.Put(t.Context(), key, strings.NewReader(body), int64(len(body)))
	require.NoError(t, err)
}

func read(t *testing.T, s objstore.Store, key string) string {
	t.Helper()
	rc, err := s.Get(t.Context(), key, objstore.Range{})
	require.NoError(t, err)
	defer func() { _ = rc.Close() }()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return string(b)
}

func TestReaderFallsBackToTheNextDestinationAndSaysWhich(t *testing.T) {
	set, s3, fs := setup(t)
	put(t, s3, "p/a", "a in s3")
	put(t, fs, "p/a", "a in local")
	put(t, fs, "p/b", "b in local only")
	put(t, s3, "p/c", "c in s3 only")
	var served []string
	var skipped []error
	r := destinations.NewReader(set, func(key, d string, why []error) {
		served = append(served, key+"@"+d)
		skipped = append(skipped, why...)
	})

	require.Equal(t, "a in s3", read(t, r, "p/a"))
	require.Equal(t, "b in local only", read(t, r, "p/b"))
	require.Equal(t, []string{"p/a@s3", "p/b@local"}, served)
	require.Len(t, skipped, 1)
	require.ErrorIs(t, skipped[0], objstore.ErrNotFound)
	require.Contains(t, skipped[0].Error(), "destination s3")

	var keys []string
	for o, err := range r.List(t.Context(), "p/") {
		require.NoError(t, err)
		keys = append(keys, o.Key)
	}
	require.Equal(t, []string{"p/a", "p/b", "p/c"}, keys, "each key once, in order")

	_, err := r.Stat(t.Context(), "p/none")
	require.ErrorIs(t, err, objstore.ErrNotFound, "missing everywhere is still not found")
}

// A destination that is down is skipped, for reads and listings alike.
func TestReaderSkipsADestinationThatIsDown(t *testing.T) {
	fs, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	down, err := s3store.New(t.Context(), s3store.Config{Endpoint: "http://127.0.0.1:1", Region: "us-east-1", Bucket: "b",
		PathStyle: true, AccessKey: "k", SecretKey: "s", MaxAttempts: 1})
	require.NoError(t, err)
	put(t, fs, "p/a", "local")
	r := destinations.NewReader(destinations.Set{{Name: "s3", Store: down}, {Name: "local", Store: fs}}, nil)
	require.Equal(t, "local", read(t, r, "p/a"))
	var keys []string
	for o, err := range r.List(t.Context(), "p/") {
		require.NoError(t, err)
		keys = append(keys, o.Key)
	}
	require.Equal(t, []string{"p/a"}, keys)
}

// Try moves on from a copy that fails above the store (a manifest that
// does not authenticate) and names every reason when none serves.
func TestTryMovesOnFromAFailedCopy(t *testing.T) {
	set, s3, fs := setup(t)
	put(t, s3, "m", "tampered")
	put(t, fs, "m", "genuine")
	notAuthentic := errors.New("does not authenticate")
	check := func(ctx context.Context, d destinations.Destination) error {
		if read(t, d.Store, "m") != "genuine" {
			return notAuthentic
		}
		return nil
	}
	used, err := set.Try(t.Context(), check)
	require.NoError(t, err)
	require.Equal(t, "local", used)

	// Bad input stops at once, as it is; one destination needs no naming.
	bad := errors.New("name a backup")
	calls := 0
	_, err = set.Try(t.Context(), func(context.Context, destinations.Destination) error { calls++; return destinations.Final(bad) })
	require.Equal(t, bad, err)
	require.Equal(t, 1, calls)
	_, err = set[:1].Try(t.Context(), check)
	require.Equal(t, notAuthentic, err)

	put(t, fs, "m", "tampered too")
	_, err = set.Try(t.Context(), check)
	require.ErrorIs(t, err, notAuthentic)
	require.Contains(t, err.Error(), "destination s3")
	require.Contains(t, err.Error(), "destination local")
}

func TestCopyRefusesBytesThatAreNotTheManifestsAndIsIdempotent(t *testing.T) {
	_, s3, fs := setup(t)
	body := bytes.Repeat([]byte("sealed"), 1000)
	sum := sha256.Sum256(body)
	put(t, s3, "p/data", string(body))
	copied, err := destinations.Copy(t.Context(), s3, fs, "p/data", sum[:])
	require.NoError(t, err)
	require.True(t, copied)
	require.Equal(t, string(body), read(t, fs, "p/data"))
	copied, err = destinations.Copy(t.Context(), s3, fs, "p/data", sum[:])
	require.NoError(t, err)
	require.False(t, copied, "already there")

	put(t, s3, "p/other", "tampered")
	_, err = destinations.Copy(t.Context(), s3, fs, "p/other", sum[:])
	require.ErrorIs(t, err, objstore.ErrChecksumMismatch)
	_, err = fs.Stat(t.Context(), "p/other")
	require.ErrorIs(t, err, objstore.ErrNotFound, "nothing stored")
}

func TestCopyDocumentWritesTheDocumentAgainWithItsOptions(t *testing.T) {
	_, s3, fs := setup(t)
	put(t, s3, "p/manifest.json", `{"v":1}`)
	require.NoError(t, destinations.CopyDocument(t.Context(), s3, fs, "p/manifest.json"))
	require.Equal(t, `{"v":1}`, read(t, fs, "p/manifest.json"))

	put(t, fs, "p/other.json", `{"v":2}`)
	require.NoError(t, destinations.CopyDocument(t.Context(), fs, s3, "p/other.json", objstore.WithTags(map[string]string{"kind": "tenant"})))
	require.Equal(t, `{"v":2}`, read(t, s3, "p/other.json"))

	err := destinations.CopyDocument(t.Context(), s3, fs, "p/missing.json")
	require.ErrorIs(t, err, objstore.ErrNotFound)
	require.ErrorContains(t, err, "copy p/missing.json")
}

// failingAfterFirst lists its store's first key, then fails: a listing cut
// short on its second page.
type failingAfterFirst struct{ objstore.Store }

func (f failingAfterFirst) List(ctx context.Context, prefix string) iter.Seq2[objstore.ObjectInfo, error] {
	return func(yield func(objstore.ObjectInfo, error) bool) {
		for o, err := range f.Store.List(ctx, prefix) {
			if err != nil || !yield(o, nil) {
				return
			}
			yield(objstore.ObjectInfo{}, errors.New("page 2: connection reset"))
			return
		}
	}
}

// When every destination's listing fails, the listing ends with the error
// even after it has yielded keys: a listing cut short must not pass for a
// complete one (a restore would pick an older base backup).
func TestReaderListFailsWhenEveryDestinationFailsPartWay(t *testing.T) {
	fs, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	put(t, fs, "p/a", "a")
	put(t, fs, "p/b", "b")
	r := destinations.NewReader(destinations.Set{{Name: "local", Store: failingAfterFirst{fs}}}, nil)
	var keys []string
	var listErr error
	for o, err := range r.List(t.Context(), "p/") {
		if err != nil {
			listErr = err
			continue
		}
		keys = append(keys, o.Key)
	}
	require.Equal(t, []string{"p/a"}, keys)
	require.ErrorContains(t, listErr, "page 2: connection reset")
}

// A key one destination lacks while another is down is not "not found":
// wal-fetch would end recovery early on it.
func TestReaderMissIsNotFoundOnlyWhenEveryDestinationMisses(t *testing.T) {
	fs, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	down, err := s3store.New(t.Context(), s3store.Config{Endpoint: "http://127.0.0.1:1", Region: "us-east-1", Bucket: "b",
		PathStyle: true, AccessKey: "k", SecretKey: "s", MaxAttempts: 1})
	require.NoError(t, err)
	r := destinations.NewReader(destinations.Set{{Name: "s3", Store: down}, {Name: "local", Store: fs}}, nil)
	_, err = r.Get(t.Context(), "wal/x", objstore.Range{})
	require.Error(t, err)
	require.NotErrorIs(t, err, objstore.ErrNotFound)
	require.Contains(t, err.Error(), "destination s3")
	require.Contains(t, err.Error(), "destination local")
	_, err = r.Stat(t.Context(), "wal/x")
	require.NotErrorIs(t, err, objstore.ErrNotFound)
}

// The mirror writes to the primary and copies on to each further
// destination; a destination that is down does not fail the write and is
// reported; Sync completes it afterwards.
func TestMirrorCopiesEachWriteAndSyncCompletesAMissedOne(t *testing.T) {
	set, s3, fs := setup(t)
	var failed []string
	m := destinations.Mirror{Store: s3, Copies: set[1:], Failed: func(key, d string, err error) { failed = append(failed, key+"@"+d) }}
	put(t, m, "wal/1", "segment 1")
	require.Equal(t, "segment 1", read(t, fs, "wal/1"))

	// A multipart object (a base backup's data) is copied once complete.
	id, err := m.CreateMultipart(t.Context(), "base/b1/data")
	require.NoError(t, err)
	body := strings.Repeat("x", 1000)
	part, err := m.UploadPart(t.Context(), "base/b1/data", id, 1, strings.NewReader(body), int64(len(body)), nil)
	require.NoError(t, err)
	_, err = m.CompleteMultipart(t.Context(), "base/b1/data", id, []objstore.Part{part})
	require.NoError(t, err)
	require.Equal(t, body, read(t, fs, "base/b1/data"))
	require.Empty(t, failed)

	// The second destination is down: the write succeeds, the copy is reported.
	down, err := s3store.New(t.Context(), s3store.Config{Endpoint: "http://127.0.0.1:1", Region: "us-east-1", Bucket: "b",
		PathStyle: true, AccessKey: "k", SecretKey: "s", MaxAttempts: 1})
	require.NoError(t, err)
	m.Copies = destinations.Set{{Name: "dr", Store: down}}
	put(t, m, "wal/2", "segment 2")
	require.Equal(t, "segment 2", read(t, s3, "wal/2"))
	require.Equal(t, []string{"wal/2@dr"}, failed)

	// Sync copies what the destination lacks, and only that.
	_, err = fs.Stat(t.Context(), "wal/2")
	require.ErrorIs(t, err, objstore.ErrNotFound)
	rep, err := destinations.Sync(t.Context(), s3, fs, "wal/")
	require.NoError(t, err)
	require.Equal(t, destinations.SyncReport{Copied: 1, Bytes: int64(len("segment 2")), Had: 1}, rep)
	require.Equal(t, "segment 2", read(t, fs, "wal/2"))
}

// The mirror's copies keep the tags the writer gave the object (a WAL
// segment's plaintext digest, which wal-push's "already archived" check
// reads), as the primary, versitygw, returns them (it keeps no storage
// class: replicate's tests check the class). Before, every copy was
// written bare.
func TestMirrorCopiesKeepTheObjectsTags(t *testing.T) {
	set, s3, fs := setup(t)
	m := destinations.Mirror{Store: s3, Copies: set[1:]}
	tags := map[string]string{"Kind": "wal", "PlainSHA256": "ab12"}
	_, err := m.Put(t.Context(), "wal/3", strings.NewReader("segment 3"), 9, objstore.WithTags(tags))
	require.NoError(t, err)
	info, err := fs.Stat(t.Context(), "wal/3")
	require.NoError(t, err)
	require.Equal(t, tags, info.Tags)
}
