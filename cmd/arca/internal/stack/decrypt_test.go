package stack_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/seal"
)

// arca decrypt's refusals are ConfigErrors with the CLI's words; input
// that is not sealed parts is a *backup.OpenError seal calls Malformed;
// the result prints as the CLI has always printed it.
func TestDecryptRefusesAndReports(t *testing.T) {
	cfg := fileConfig(t)
	for o, want := range map[backup.DecryptOptions]string{
		{In: "x"}:           "--in FILE and --out FILE are required",
		{In: "x", Out: "y"}: "name the artifact: --manifest FILE or --artifact ID",
	} {
		_, err := stack.Decrypt(t.Context(), cfg, o)
		require.ErrorAs(t, err, new(stack.ConfigError))
		require.EqualError(t, err, want)
	}
	_, err := stack.Keyring(t.Context(), cfg, true)
	require.NoError(t, err)
	dir := t.TempDir()
	in := filepath.Join(dir, "plain.dump")
	require.NoError(t, os.WriteFile(in, []byte("PGDMP not sealed at all"), 0o600))
	_, err = stack.Decrypt(t.Context(), cfg, backup.DecryptOptions{In: in, Out: filepath.Join(dir, "out"), Artifact: "a1"})
	require.ErrorAs(t, err, new(*backup.OpenError))
	require.True(t, seal.Malformed(err), "%v", err)

	d := stack.Decrypted{Bytes: 2048, Out: "/o", In: "/i"}
	got, err := json.Marshal(d)
	require.NoError(t, err)
	require.JSONEq(t, `{"bytes": 2048, "out": "/o"}`, string(got))
	var text bytes.Buffer
	d.WriteText(&text)
	require.Equal(t, "decrypted /i → /o (2.0 KiB)\n", text.String())
}
