package cli_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
)

// The probe of issue 13: two tenants' manifests swapped in the bucket.
// list, verify and restore refuse with exit 3, name the key, and write
// nothing; a third tenant's backup is still listed (one bad manifest does
// not hide the others).
func TestSwappedManifestsAreRefusedByListVerifyAndRestore(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"fs", "s3"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			idA := e.backup(t, messages.KindTenant, "home-1")
			idB := e.backup(t, messages.KindTenant, "home-2")
			idC := e.backup(t, messages.KindTenant, "home-3")
			out, _, code := e.arca(t, "list", "--tenant", "home-1")
			require.Equal(t, 0, code)
			require.Contains(t, out, idA)

			// B's rows change after its backup: restoring B's backup in
			// A's name would roll them back.
			_, err := e.db.Pool.Exec(t.Context(), `INSERT INTO residents ("tenantId", name) VALUES ('home-2', 'Residente nova')`)
			require.NoError(t, err)
			before := e.snapshot(t)

			keyA, keyB := e.layout.Manifest("tenant", "home-1", idA), e.layout.Manifest("tenant", "home-2", idB)
			docA, docB := e.get(t, keyA), e.get(t, keyB)
			e.put(t, keyA, docB)
			e.put(t, keyB, docA)

			out, errOut, code := e.arca(t, "list", "--tenant", "home-1")
			require.Equal(t, 3, code, errOut)
			require.NotContains(t, out, idB)
			require.Contains(t, errOut, "refuse "+keyA)

			out, errOut, code = e.arca(t, "list")
			require.Equal(t, 3, code, errOut)
			require.Contains(t, out, idC, "the third tenant is still listed")
			require.NotContains(t, out, idA)
			require.NotContains(t, out, idB)
			require.Contains(t, errOut, keyA)
			require.Contains(t, errOut, keyB)

			_, errOut, code = e.arca(t, "verify", idA)
			require.Equal(t, 3, code, errOut)
			require.Contains(t, errOut, keyA)

			// The catalog rebuild and prune report both and go on.
			out, errOut, code = e.arca(t, "catalog", "rebuild")
			require.Equal(t, 3, code, errOut)
			require.Contains(t, out, "catalog rebuilt: 1 backups")
			require.Contains(t, errOut, keyA)
			require.Contains(t, errOut, keyB)
			out, errOut, code = e.arca(t, "prune", "--dry-run")
			require.Equal(t, 0, code, errOut)
			require.Contains(t, out, "skipped      "+keyA)
			require.Contains(t, out, "skipped      "+keyB)

			for _, args := range [][]string{
				{"restore", "tenant", "--tenant", "home-1", "--latest", "--replace"},
				{"restore", "tenant", "--backup", idA, "--replace"},
				{"restore", "tenant", "--tenant", "home-2", "--latest", "--replace"},
			} {
				out, errOut, code = e.arca(t, args...)
				require.Equal(t, 3, code, "%v: %s", args, errOut)
				require.NotContains(t, out, "restored")
				require.Equal(t, before, e.snapshot(t), "%v wrote to the database", args)
			}

			// Put back, everything works again.
			e.put(t, keyA, docA)
			e.put(t, keyB, docB)
			_, errOut, code = e.arca(t, "verify", idA)
			require.Equal(t, 0, code, errOut)
			out, errOut, code = e.arca(t, "restore", "tenant", "--tenant", "home-1", "--latest", "--replace")
			require.Equal(t, 0, code, errOut)
			require.Contains(t, out, "restored tenant home-1")
		})
	}
}

// Every other way to present a manifest or verification that is not the
// one its key names is refused (exit 3), and `arca verify` finds full
// backups as well as tenant backups (issue 14 item 8).
func TestTamperedMetadataIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "fs")
	idA := e.backup(t, messages.KindTenant, "home-1")
	idB := e.backup(t, messages.KindTenant, "home-2")
	idF := e.backup(t, messages.KindFull, "")
	keyA, keyB := e.layout.Manifest("tenant", "home-1", idA), e.layout.Manifest("tenant", "home-2", idB)
	docA := e.get(t, keyA)

	out, errOut, code := e.arca(t, "verify", idF)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "backup "+idF+" verified")
	out, errOut, code = e.arca(t, "list")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, idF)

	// What a bucket reader sees of a manifest: no tenant, no table, no rows
	// (docs/security.md R2).
	var inClear map[string]any
	require.NoError(t, json.Unmarshal(docA, &inClear))
	require.NotContains(t, string(docA), "home-1")
	require.NotContains(t, string(docA), "residents")
	// Nor of the data object: no resident's name.
	require.NotContains(t, string(e.get(t, e.layout.Data("tenant", "home-1", idA))), "Residente")

	t.Run("verified.json copied from another backup", func(t *testing.T) {
		vA := backup.VerificationKey(keyA)
		orig := e.get(t, vA)
		e.put(t, vA, e.get(t, backup.VerificationKey(keyB)))
		t.Cleanup(func() { e.put(t, vA, orig) })
		out, errOut, code := e.arca(t, "list", "--tenant", "home-1")
		require.Equal(t, 3, code, errOut)
		require.Contains(t, out, "refused")
		require.Contains(t, errOut, "refuse "+vA)
	})
	t.Run("manifest moved to another backup's folder", func(t *testing.T) {
		moved := e.layout.Manifest("tenant", "home-1", "20261128T010000Z-000000000000")
		e.put(t, moved, docA)
		t.Cleanup(func() { require.NoError(t, e.store.Delete(context.Background(), moved)) })
		_, errOut, code := e.arca(t, "list", "--tenant", "home-1")
		require.Equal(t, 3, code, errOut)
		require.Contains(t, errOut, "refuse "+moved)
		_, errOut, code = e.arca(t, "restore", "tenant", "--backup", "20261128T010000Z-000000000000", "--replace")
		require.Equal(t, 3, code, errOut)
		_, errOut, code = e.arca(t, "restore", "tenant", "--tenant", "home-1", "--latest", "--replace")
		require.Equal(t, 3, code, "choosing the latest refuses while a manifest of the tenant is refused: %s", errOut)
	})
	t.Run("manifest of format 1", func(t *testing.T) {
		m := `{"format_version": 1, "backup_id": "` + idA + `", "kind": "tenant", "tenant": "home-1"}`
		e.put(t, keyA, []byte(m))
		t.Cleanup(func() { e.put(t, keyA, docA) })
		_, errOut, code := e.arca(t, "verify", idA)
		require.Equal(t, 3, code, errOut)
		require.Contains(t, errOut, "format version 1 (plaintext, not authenticated) is no longer read")
	})
	t.Run("bit flipped", func(t *testing.T) {
		var env map[string]any
		require.NoError(t, json.Unmarshal(docA, &env))
		sealed, err := base64.StdEncoding.DecodeString(env["sealed"].(string))
		require.NoError(t, err)
		sealed[len(sealed)/2] ^= 0x04
		env["sealed"] = sealed
		flipped, err := json.Marshal(env)
		require.NoError(t, err)
		e.put(t, keyA, flipped)
		t.Cleanup(func() { e.put(t, keyA, docA) })
		_, errOut, code := e.arca(t, "verify", idA)
		require.Equal(t, 3, code, errOut)
		require.Contains(t, errOut, "does not authenticate")
	})
	t.Run("decrypt authenticates the manifest it is given", func(t *testing.T) {
		dir := t.TempDir()
		data, manifest := dir+"/data.arca", dir+"/manifest.json"
		require.NoError(t, writeFile(data, e.get(t, e.layout.Data("tenant", "home-1", idA))))
		require.NoError(t, writeFile(manifest, docA))
		_, errOut, code := e.arca(t, "decrypt", "--in", data, "--out", dir+"/out.tar", "--manifest", manifest, "--tenant", "home-1")
		require.Equal(t, 0, code, errOut)
		_, errOut, code = e.arca(t, "decrypt", "--in", data, "--out", dir+"/out2.tar", "--manifest", manifest, "--tenant", "home-2")
		require.Equal(t, 3, code, errOut)
		require.NoFileExists(t, dir+"/out2.tar")
	})
}
