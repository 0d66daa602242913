package keyring

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/scrypt"
)

// The key is scrypt's, whatever part of the table is kept: golang.org/x/crypto
// derives the reference.
func TestScryptKeyIsScryptsWhateverTheTableKept(t *testing.T) {
	t.Parallel()
	pass, salt := []byte("correct horse battery staple"), []byte("0123456789abcdef0123456789abcdef")
	// Keeping one entry of N costs N²/2 BlockMix: small N only.
	for _, c := range []struct{ n, r, p int }{{2, 1, 1}, {16, 1, 1}, {256, 3, 2}, {512, 1, 4}, {1024, 8, 1}, {4096, 8, 1}} {
		want, err := scrypt.Key(pass, salt, c.n, c.r, c.p, 32)
		require.NoError(t, err)
		full := c.n * 128 * c.r
		budgets := []int{full, full - 1, full / 2, full / 4, full / 8}
		if c.n <= 512 {
			budgets = append(budgets, full/c.n, 0)
		}
		for _, budget := range budgets {
			t.Run(fmt.Sprintf("N=%d,r=%d,p=%d,budget=%d", c.n, c.r, c.p, budget), func(t *testing.T) {
				got, err := scryptKey(pass, salt, c.n, c.r, c.p, 32, budget)
				require.NoError(t, err)
				require.Equal(t, want, got)
			})
		}
	}
}

// RFC 7914 §12, the vectors small enough for a unit test.
func TestScryptKeyRFC7914(t *testing.T) {
	t.Parallel()
	got, err := scryptKey([]byte("password"), []byte("NaCl"), 1024, 8, 16, 64, scryptTableBudget)
	require.NoError(t, err)
	want := []byte{
		0xfd, 0xba, 0xbe, 0x1c, 0x9d, 0x34, 0x72, 0x00, 0x78, 0x56, 0xe7, 0x19, 0x0d, 0x01, 0xe9, 0xfe,
		0x7c, 0x6a, 0xd7, 0xcb, 0xc8, 0x23, 0x78, 0x30, 0xe7, 0x73, 0x76, 0x63, 0x4b, 0x37, 0x31, 0x62,
		0x2e, 0xaf, 0x30, 0xd9, 0x2e, 0x22, 0xa3, 0x88, 0x6f, 0xf1, 0x09, 0x27, 0x9d, 0x98, 0x30, 0xda,
		0xc7, 0x27, 0xaf, 0xb9, 0x4a, 0x83, 0xee, 0x6d, 0x83, 0x60, 0xcb, 0xdf, 0xa2, 0xcc, 0x06, 0x40,
	}
	require.Equal(t, want, got)
	got, err = scryptKey([]byte("password"), []byte("NaCl"), 1024, 8, 16, 64, 1024*8)
	require.NoError(t, err)
	require.Equal(t, want, got, "with 8 of its 1,024 entries kept")
}

// A keyring file written before the budget, by the key derivation of
// golang.org/x/crypto/scrypt (arca keys init of 9804efe, passphrase "before
// the budget"), still opens, and its key still unwraps.
func TestKeyringFileFromXCryptoScryptOpens(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/keyring-x-crypto-scrypt.json")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "keyring.json")
	require.NoError(t, os.WriteFile(path, raw, 0o600)) // git keeps no 0600
	kr, err := Load(context.Background(), File{Path: path, Passphrase: []byte("before the budget")})
	require.NoError(t, err)
	infos := kr.List()
	require.Len(t, infos, 1)
	require.Equal(t, "k2e7bf1303a010e24", infos[0].ID)
	_, err = kr.Primary("")
	require.NoError(t, err)

	_, err = Load(context.Background(), File{Path: path, Passphrase: []byte("another passphrase")})
	require.ErrorIs(t, err, ErrWrongPassphrase)
}

// A keyring file's unlock (N=65536, r=8: a 64 MiB table) allocates no more
// than the budget and a little: the peak of a restore (#17.3). Heap bytes
// counted by the runtime, not RSS.
func TestKeyringFileUnlockAllocatesWithinTheBudget(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keyring.json")
	f := File{Path: path, Passphrase: []byte("a passphrase")}
	require.NoError(t, f.Save(context.Background(), []byte(`{"versions":[]}`), true))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(raw), `"n": 65536`)
	require.Contains(t, string(raw), `"r": 8`)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	doc, err := f.Load(context.Background())
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.True(t, bytes.Contains(doc, []byte("versions")))
	allocated := after.TotalAlloc - before.TotalAlloc
	require.Less(t, allocated, uint64(scryptTableBudget+1<<20), "bytes allocated by one unlock")
	require.Greater(t, allocated, uint64(scryptTableBudget/2), "the table itself")
}

// BenchmarkScryptKey reports CPU time per key (cpu-ms/op) beside the wall
// time: on the shared cores the CPU time is the steadier of the two.
func BenchmarkScryptKey(b *testing.B) {
	pass, salt := []byte("a passphrase"), make([]byte, 32)
	run := func(b *testing.B, derive func() ([]byte, error)) {
		start := cpuTime(b)
		for b.Loop() {
			if _, err := derive(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime(b)-start)/1e6/float64(b.N), "cpu-ms/op")
	}
	for _, budget := range []int{64 << 20, 32 << 20, 16 << 20} {
		b.Run(fmt.Sprintf("ours/table=%dMiB", budget>>20), func(b *testing.B) {
			run(b, func() ([]byte, error) { return scryptKey(pass, salt, scryptN, scryptR, scryptP, 32, budget) })
		})
	}
	b.Run("x/crypto", func(b *testing.B) {
		run(b, func() ([]byte, error) { return scrypt.Key(pass, salt, scryptN, scryptR, scryptP, 32) })
	})
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
