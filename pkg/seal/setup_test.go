package seal_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
)

// bundle is what most tests need: a keyring with a default primary.
type bundle struct {
	kr  *keyring.Keyring
	kek seal.KEK
}

func setup(t testing.TB) bundle {
	t.Helper()
	kr := keyringtest.New(t)
	kek, err := kr.Primary("")
	require.NoError(t, err)
	return bundle{kr: kr, kek: kek}
}

// sealParts seals each plaintext as one part of artifact and returns the
// sealed parts (their concatenation is the artifact).
func (b bundle) sealParts(t testing.TB, artifact string, plains [][]byte, opts ...seal.Option) [][]byte {
	t.Helper()
	s, err := seal.NewSealer(opts...)
	require.NoError(t, err)
	out := make([][]byte, len(plains))
	for i, p := range plains {
		var buf bytes.Buffer
		part := seal.Part{Artifact: artifact, Index: uint32(i), Last: i == len(plains)-1}
		st, err := s.Seal(context.Background(), &buf, bytes.NewReader(p), part, b.kek)
		require.NoError(t, err)
		require.Equal(t, int64(len(p)), st.Plain)
		require.Equal(t, int64(buf.Len()), st.Sealed)
		out[i] = buf.Bytes()
	}
	return out
}

// open opens the artifact and returns what was released and the error.
func (b bundle) open(artifact string, sealed []byte) ([]byte, error) {
	var out bytes.Buffer
	_, err := seal.Open(context.Background(), &out, bytes.NewReader(sealed), artifact, b.kr)
	return out.Bytes(), err
}

// csvData makes deterministic CSV-like rows of about n bytes.
func csvData(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	names := []string{"Ana Souza", "João Silva", "Maria Oliveira", "José Santos", "Francisca Lima",
		"Antônio Pereira", "Adriana Costa", "Luís Gonçalves", "Conceição Araújo", "Sebastião Ribeiro"}
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%d,%08x-%04x,2025-%02d-%02dT%02d:%02d:%02dZ,%s,%d.%02d,%t\n", i,
			r.Uint32(), r.Uint32()&0xffff, 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60),
			names[r.IntN(len(names))], r.IntN(100000), r.IntN(100), r.IntN(2) == 0)
	}
	return b.Bytes()[:n]
}

func randomData(seed uint64, n int) []byte {
	r := rand.NewChaCha8([32]byte{byte(seed)})
	b := make([]byte, n)
	_, _ = r.Read(b)
	return b
}

func concat(parts [][]byte) []byte { return bytes.Join(parts, nil) }
