package basebackup

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

func TestSealPartsCutsTheStreamAndEndsWithAnEmptyLastPart(t *testing.T) {
	t.Parallel()
	keys := keyring.New()
	_, err := keys.Rotate("")
	require.NoError(t, err)
	kek, err := keys.Primary("")
	require.NoError(t, err)
	for _, size := range []int{0, 1, 3 << 20, 3<<20 + 5} {
		plain := make([]byte, size)
		_, _ = rand.Read(plain)
		var out bytes.Buffer
		parts, sum, err := sealParts(t.Context(), &out, bytes.NewReader(plain), "base/x", kek, 1<<20)
		require.NoError(t, err)
		require.False(t, parts[len(parts)-1].PlainSize != 0, "the last part is empty")
		var off, plainTotal int64
		for i, p := range parts {
			require.Equal(t, i, p.Index)
			require.Equal(t, off, p.Offset)
			h := sha256.Sum256(out.Bytes()[p.Offset : p.Offset+p.Size])
			require.Equal(t, hex.EncodeToString(h[:]), p.SHA256)
			off += p.Size
			plainTotal += p.PlainSize
		}
		require.Equal(t, int64(out.Len()), off)
		require.Equal(t, int64(size), plainTotal)
		whole := sha256.Sum256(out.Bytes())
		require.Equal(t, whole[:], sum)

		got, err := io.ReadAll(seal.NewReader(bytes.NewReader(out.Bytes()), "base/x", keys))
		require.NoError(t, err, "size %d", size)
		require.Equal(t, len(plain), len(got))
		require.True(t, bytes.Equal(plain, got))

		// Without the empty last part the artifact is truncated.
		cut := out.Bytes()[:parts[len(parts)-1].Offset]
		_, err = io.ReadAll(seal.NewReader(bytes.NewReader(cut), "base/x", keys))
		require.ErrorIs(t, err, seal.ErrTruncated)
	}
}
