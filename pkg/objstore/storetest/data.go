package storetest

import (
	"bytes"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
)

// randomReader streams n pseudo-random bytes of the given seed without
// holding them; it is deliberately not an io.Seeker.
func randomReader(seed uint64, n int64) io.Reader {
	var s [32]byte
	s[0], s[1] = byte(seed), byte(seed>>8)
	return struct{ io.Reader }{io.LimitReader(rand.NewChaCha8(s), n)}
}

func randomBytes(seed uint64, n int64) []byte {
	b, err := io.ReadAll(randomReader(seed, n))
	if err != nil {
		panic(err)
	}
	return b
}

func digest(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

// readAll reads a whole object.
func readAll(t *testing.T, s objstore.Store, key string) []byte {
	t.Helper()
	rc, err := s.Get(t.Context(), key, objstore.Range{})
	require.NoError(t, err)
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return b
}

// hashObject streams an object through SHA-256.
func hashObject(t *testing.T, s objstore.Store, key string) ([]byte, int64) {
	t.Helper()
	rc, err := s.Get(t.Context(), key, objstore.Range{})
	require.NoError(t, err)
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	h := sha256.New()
	n, err := io.Copy(h, rc)
	require.NoError(t, err)
	return h.Sum(nil), n
}

func put(t *testing.T, s objstore.Store, key string, b []byte, opts ...objstore.Option) objstore.ObjectInfo {
	t.Helper()
	info, err := s.Put(t.Context(), key, bytes.NewReader(b), int64(len(b)), opts...)
	require.NoError(t, err)
	return info
}

func keys(t *testing.T, s objstore.Store, prefix string) []string {
	t.Helper()
	var out []string
	for info, err := range s.List(t.Context(), prefix) {
		require.NoError(t, err)
		out = append(out, info.Key)
	}
	return out
}

func digestOfStream(t *testing.T, r io.Reader) []byte {
	t.Helper()
	h := sha256.New()
	_, err := io.Copy(h, r)
	require.NoError(t, err)
	return h.Sum(nil)
}
