package seal_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/arcabackup/arca/pkg/seal"
)

// FuzzOpen feeds arbitrary artifacts to the part-header parser, the framing
// and the decryptor: it must never panic, every failure must be an *AuthError
// naming the artifact, and released bytes must be a prefix of the plaintext.
func FuzzOpen(f *testing.F) {
	b := setup(f)
	plain := csvData(1, 6_000)
	parts := b.sealParts(f, "art-f", [][]byte{plain[:2_000], plain[2_000:]}, seal.WithSegmentSize(smallSeg))
	raw := b.sealParts(f, "art-f", [][]byte{plain[:5_000], plain[5_000:]}, seal.WithoutCompression(), seal.WithSegmentSize(smallSeg))
	f.Add(concat(parts))
	f.Add(concat(raw))
	f.Add(parts[0])
	f.Add(parts[1])
	f.Add([]byte("ARCA"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		_, err := seal.Open(t.Context(), &out, bytes.NewReader(data), "art-f", b.kr)
		if err == nil {
			if !bytes.Equal(out.Bytes(), plain) {
				t.Fatalf("opened without error to %d unexpected bytes", out.Len())
			}
			return
		}
		var ae *seal.AuthError
		if !errors.As(err, &ae) || ae.Artifact != "art-f" {
			t.Fatalf("want *AuthError for art-f, got %v", err)
		}
		if !bytes.HasPrefix(plain, out.Bytes()) {
			t.Fatalf("released %d bytes that are not plaintext", out.Len())
		}
		pr := seal.NewPartReader(bytes.NewReader(data), "art-f", b.kr)
		for {
			if _, err := pr.Next(); err != nil {
				break
			}
			_, _ = io.Copy(io.Discard, pr)
		}
	})
}
