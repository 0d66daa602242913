package storetest

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
)

// artifact is a multipart object's parts: all MinPartSize but a short last.
func artifact(seed uint64, parts int) [][]byte {
	out := make([][]byte, parts)
	for i := range out {
		n := objstore.MinPartSize
		if i == parts-1 {
			n = 123_457
		}
		out[i] = randomBytes(seed+uint64(i), n)
	}
	return out
}

// uploadParts uploads parts through the given stores (several "processes"),
// from several goroutines, in shuffled order, and returns the Parts as they
// would come back from a KV bucket (through JSON), in part order.
func uploadParts(t *testing.T, stores []objstore.Store, key, id string, parts [][]byte, workers int) []objstore.Part {
	t.Helper()
	order := rand.Perm(len(parts))
	jobs := make(chan int)
	var mu sync.Mutex
	recorded := make([][]byte, len(parts)) // JSON, like a KV value
	var wg sync.WaitGroup
	for w := range workers {
		s := stores[w%len(stores)]
		wg.Go(func() {
			for i := range jobs {
				// Half the parts send their digest, half let the store compute it.
				var sum []byte
				if i%2 == 0 {
					sum = digest(parts[i])
				}
				p, err := s.UploadPart(t.Context(), key, id, i+1, bytes.NewReader(parts[i]), int64(len(parts[i])), sum)
				if !assertNoError(t, err) {
					continue
				}
				b, _ := json.Marshal(p)
				mu.Lock()
				recorded[i] = b
				mu.Unlock()
			}
		})
	}
	for _, i := range order {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	out := make([]objstore.Part, len(parts))
	for i, b := range recorded {
		require.NoError(t, json.Unmarshal(b, &out[i]))
		require.Equal(t, i+1, out[i].Number)
		require.Equal(t, digest(parts[i]), out[i].SHA256)
	}
	return out
}

func assertNoError(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Errorf("upload part: %v", err)
		return false
	}
	return true
}

func testMultipartConcurrent(t *testing.T, s objstore.Store, f Features) {
	require.NotNil(t, f.Reopen, "Features.Reopen is required")
	other := f.Reopen(t, s)
	parts := artifact(10, 9)
	id, err := s.CreateMultipart(t.Context(), "mp/data.arca")
	require.NoError(t, err)
	recorded := uploadParts(t, []objstore.Store{s, other}, "mp/data.arca", id, parts, 4)

	// The completer is yet another process: only the recorded Parts travel.
	info, err := f.Reopen(t, s).CompleteMultipart(t.Context(), "mp/data.arca", id, recorded)
	require.NoError(t, err)

	whole := bytes.Join(parts, nil)
	require.EqualValues(t, len(whole), info.Size)
	digests := make([][]byte, len(parts))
	for i, p := range parts {
		digests[i] = digest(p)
	}
	st, err := s.Stat(t.Context(), "mp/data.arca")
	require.NoError(t, err)
	require.EqualValues(t, len(whole), st.Size)
	if st.CompositeSHA256 != nil {
		require.Equal(t, objstore.CompositeSHA256(digests), st.CompositeSHA256)
		require.Equal(t, len(parts), st.Parts)
	}
	if f.WholeSHA256OfMultipart {
		require.Equal(t, digest(whole), st.SHA256)
	}
	sum, n := hashObject(t, s, "mp/data.arca")
	require.EqualValues(t, len(whole), n)
	require.Equal(t, digest(whole), sum, "the object's SHA-256 matches the artifact's")
	require.Empty(t, collectUploads(t, s, "mp/"), "completed uploads are gone")
}

func testMultipartCompleteOnce(t *testing.T, s objstore.Store, f Features) {
	parts := artifact(20, 2)
	id, err := s.CreateMultipart(t.Context(), "once")
	require.NoError(t, err)
	// The same part twice (a redelivered job) is harmless.
	uploadParts(t, []objstore.Store{s}, "once", id, parts[:1], 1)
	recorded := uploadParts(t, []objstore.Store{s}, "once", id, parts, 2)

	results := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := s.CompleteMultipart(t.Context(), "once", id, recorded)
			results <- err
		}()
	}
	won := 0
	for range 3 {
		if err := <-results; err == nil {
			won++
		} else {
			require.ErrorIs(t, err, objstore.ErrNoSuchUpload)
		}
	}
	require.GreaterOrEqual(t, won, 1)
	_, err = s.CompleteMultipart(t.Context(), "once", id, recorded)
	if err != nil {
		require.ErrorIs(t, err, objstore.ErrNoSuchUpload, "completing again")
	}
	sum, _ := hashObject(t, s, "once")
	require.Equal(t, digest(bytes.Join(parts, nil)), sum)
}

func testMultipartBadPart(t *testing.T, s objstore.Store, f Features) {
	parts := artifact(30, 2)
	id, err := s.CreateMultipart(t.Context(), "bad")
	require.NoError(t, err)
	_, err = s.UploadPart(t.Context(), "bad", id, 1, bytes.NewReader(parts[0]), int64(len(parts[0])), digest(parts[1]))
	require.ErrorIs(t, err, objstore.ErrChecksumMismatch)
	recorded := uploadParts(t, []objstore.Store{s}, "bad", id, parts, 2)

	// A part that was never uploaded, and a wrong ETag, fail; the upload
	// survives a failed completion.
	_, err = s.CompleteMultipart(t.Context(), "bad", id, append(recorded, objstore.Part{Number: 3, ETag: recorded[1].ETag}))
	require.Error(t, err)
	_, err = s.CompleteMultipart(t.Context(), "bad", id, []objstore.Part{recorded[0], {Number: 3, ETag: recorded[1].ETag}})
	require.ErrorIs(t, err, objstore.ErrInvalidPart, "a part never uploaded")
	wrong := []objstore.Part{recorded[0], {Number: 2, ETag: recorded[0].ETag}}
	_, err = s.CompleteMultipart(t.Context(), "bad", id, wrong)
	require.ErrorIs(t, err, objstore.ErrInvalidPart, "a wrong ETag")
	_, err = s.Stat(t.Context(), "bad")
	require.ErrorIs(t, err, objstore.ErrNotFound)
	_, err = s.CompleteMultipart(t.Context(), "bad", id, recorded)
	require.NoError(t, err)
}

func testMultipartAbort(t *testing.T, s objstore.Store, f Features) {
	parts := artifact(40, 2)
	id, err := s.CreateMultipart(t.Context(), "ab/x")
	require.NoError(t, err)
	recorded := uploadParts(t, []objstore.Store{s}, "ab/x", id, parts, 2)
	require.NoError(t, s.AbortMultipart(t.Context(), "ab/x", id))
	require.NoError(t, s.AbortMultipart(t.Context(), "ab/x", id), "abort is idempotent")
	require.Empty(t, collectUploads(t, s, "ab/"))

	_, err = s.UploadPart(t.Context(), "ab/x", id, 1, bytes.NewReader(parts[0]), int64(len(parts[0])), nil)
	require.ErrorIs(t, err, objstore.ErrNoSuchUpload)
	_, err = s.CompleteMultipart(t.Context(), "ab/x", id, recorded)
	require.ErrorIs(t, err, objstore.ErrNoSuchUpload)
	_, err = s.Stat(t.Context(), "ab/x")
	require.ErrorIs(t, err, objstore.ErrNotFound)
}

func testListMultipartUploads(t *testing.T, s objstore.Store, f Features) {
	before := time.Now().Add(-time.Minute)
	a, err := s.CreateMultipart(t.Context(), "p/1")
	require.NoError(t, err)
	b, err := s.CreateMultipart(t.Context(), "p/2")
	require.NoError(t, err)
	_, err = s.CreateMultipart(t.Context(), "q/1")
	require.NoError(t, err)

	ups := collectUploads(t, s, "p/")
	require.Len(t, ups, 2)
	require.Equal(t, []string{"p/1", "p/2"}, []string{ups[0].Key, ups[1].Key})
	require.Equal(t, []string{a, b}, []string{ups[0].UploadID, ups[1].UploadID})
	for _, u := range ups {
		require.True(t, u.Initiated.After(before) && u.Initiated.Before(time.Now().Add(time.Minute)), "initiated %v", u.Initiated)
	}
	require.Len(t, collectUploads(t, s, ""), 3)
	require.NoError(t, s.AbortMultipart(t.Context(), "p/1", a))
	require.Len(t, collectUploads(t, s, "p/"), 1)
}

func collectUploads(t *testing.T, s objstore.Store, prefix string) []objstore.Upload {
	t.Helper()
	var out []objstore.Upload
	for u, err := range s.ListMultipartUploads(t.Context(), prefix) {
		require.NoError(t, err)
		out = append(out, u)
	}
	return out
}

// testMultipartPartBelowMinimum: a part other than the last below
// MinPartSize is refused at completion with ErrPartTooSmall on every store
// (fsstore enforces what S3 does), the upload survives, and the same bytes
// in parts of at least the minimum complete. This is why the encryptor seals
// a part that compresses below the minimum without compression, whatever
// the store.
func testMultipartPartBelowMinimum(t *testing.T, s objstore.Store, f Features) {
	small := [][]byte{randomBytes(50, objstore.MinPartSize-1), randomBytes(51, 1000)}
	id, err := s.CreateMultipart(t.Context(), "small/data.arca")
	require.NoError(t, err)
	recorded := uploadParts(t, []objstore.Store{s}, "small/data.arca", id, small, 2)
	_, err = s.CompleteMultipart(t.Context(), "small/data.arca", id, recorded)
	require.ErrorIs(t, err, objstore.ErrPartTooSmall)
	_, err = s.Stat(t.Context(), "small/data.arca")
	require.ErrorIs(t, err, objstore.ErrNotFound)
	require.Len(t, collectUploads(t, s, "small/"), 1, "a refused completion leaves the upload")

	// Replacing the short part with one of exactly the minimum completes;
	// the last part may be as small as it likes.
	ok := [][]byte{randomBytes(52, objstore.MinPartSize), small[1]}
	p, err := s.UploadPart(t.Context(), "small/data.arca", id, 1, bytes.NewReader(ok[0]), int64(len(ok[0])), nil)
	require.NoError(t, err)
	recorded[0] = p
	_, err = s.CompleteMultipart(t.Context(), "small/data.arca", id, recorded)
	require.NoError(t, err)
	sum, _ := hashObject(t, s, "small/data.arca")
	require.Equal(t, digest(bytes.Join(ok, nil)), sum)
}
