package compress_test

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/arcabackup/arca/services/exporter/internal/compress"
)

// Columns of hex or base64 (hashes, documents kept as text) have few
// matches for zstd to find, only literals to entropy-code: at the fastest
// level, the pipeline's default, klauspost stores such blocks raw unless
// told otherwise, and they were stored uncompressed.
func TestHexAndBase64AreStoredCompressedAtEveryLevel(t *testing.T) {
	var hx bytes.Buffer
	for i := 0; hx.Len() < 4<<20; i++ {
		s := md5.Sum([]byte(fmt.Sprint(i)))
		hx.WriteString(hex.EncodeToString(s[:]))
	}
	random := make([]byte, 3<<20)
	_, _ = rand.Read(random)
	inputs := map[string]struct {
		data []byte
		most float64 // of the plaintext, stored
	}{
		"hex":    {hx.Bytes(), 0.6},
		"base64": {[]byte(base64.StdEncoding.EncodeToString(random)), 0.8},
	}
	for name, in := range inputs {
		for _, level := range []zstd.EncoderLevel{zstd.SpeedFastest, zstd.SpeedDefault} {
			for _, opts := range [][]zstd.EOption{nil, compress.LowMemory} {
				n := 0
				w, err := compress.NewWriter(discard{&n}, 64<<20, level, opts...)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.Write(in.data); err != nil {
					t.Fatal(err)
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if got := float64(n) / float64(len(in.data)); got > in.most {
					t.Errorf("%s at %v (low memory %v): stored %.2f of its size, want at most %.2f", name, level, opts != nil, got, in.most)
				}
			}
		}
	}
}
