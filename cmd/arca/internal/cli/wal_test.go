package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/wal"
)

// wal-push exits 0 once the file is archived (here by itself: no agent
// answers in --agent-dir); wal-fetch exits 0 with the file, 1 silently
// for a file never archived (recovery ends there), and 128 when the
// archived file does not authenticate (PostgreSQL stops recovery).
func TestWALPushAndFetchExitCodes(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	seg := filepath.Join(t.TempDir(), "000000010000000000000001")
	data := bytes.Repeat([]byte("record "), 1000)
	require.NoError(t, os.WriteFile(seg, data, 0o600))
	_, stderr, code := e.arca(t, "wal-push", "--agent-dir", t.TempDir(), seg)
	require.Zero(t, code, stderr)

	dest := filepath.Join(t.TempDir(), "RECOVERYXLOG")
	_, stderr, code = e.arca(t, "wal-fetch", "--prefetch", "-1", "000000010000000000000001", dest)
	require.Zero(t, code, stderr)
	got, err := os.ReadFile(dest)
	require.NoError(t, err)
	require.Equal(t, data, got)

	_, stderr, code = e.arca(t, "wal-fetch", "--prefetch", "-1", "000000010000000000000002", dest)
	require.Equal(t, 1, code)
	require.Empty(t, stderr, "the end of the archive is not an error")

	f, err := wal.ParseName("000000010000000000000001")
	require.NoError(t, err)
	key := (wal.Config{Layout: e.layout}).Key(f)
	sealed := e.get(t, key)
	sealed[len(sealed)-20] ^= 1
	e.put(t, key, sealed)
	_, stderr, code = e.arca(t, "wal-fetch", "--prefetch", "-1", "000000010000000000000001", dest)
	require.Equal(t, 128, code, stderr)
	require.Contains(t, stderr, "arca: ")
}
