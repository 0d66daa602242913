package cli_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
)

// A bucket written before manifests were sealed: its plaintext manifests
// are refused until `arca manifests upgrade` seals each one that proves
// itself against its data; a swapped or forged one stays refused.
func TestManifestsUpgradeSealsOnlyWhatProvesItself(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "fs")
	idA := e.backup(t, messages.KindTenant, "home-1")
	idB := e.backup(t, messages.KindTenant, "home-2")
	keys, err := stack.Keyring(t.Context(), e.cfg, false)
	require.NoError(t, err)
	repo := backup.Repository{Store: e.store, Layout: e.layout, Keys: keys}
	keyA, keyB := e.layout.Manifest("tenant", "home-1", idA), e.layout.Manifest("tenant", "home-2", idB)
	mA, err := repo.Manifest(t.Context(), keyA)
	require.NoError(t, err)
	mB, err := repo.Manifest(t.Context(), keyB)
	require.NoError(t, err)
	format1 := func(m backup.Manifest) []byte {
		m.FormatVersion = 1
		doc, err := json.Marshal(m)
		require.NoError(t, err)
		return doc
	}
	old, err := json.Marshal(backup.Verification{BackupID: idA, Verified: true})
	require.NoError(t, err)
	e.put(t, keyA, format1(mA))
	e.put(t, backup.VerificationKey(keyA), old)
	// B's folder gets a plaintext manifest that says B but carries A's
	// export facts (tables, hashes, tenant).
	forged := mB
	forged.Export = mA.Export
	e.put(t, keyB, format1(forged))

	_, errOut, code := e.arca(t, "list")
	require.Equal(t, 3, code, errOut)
	require.Contains(t, errOut, "format version 1")

	out, errOut, code := e.arca(t, "manifests", "upgrade", "--dry-run")
	require.Equal(t, 3, code, errOut)
	require.Contains(t, out, "would upgrade  "+keyA)
	require.Contains(t, out, "refused        "+keyB)
	_, _, code = e.arca(t, "list", "--tenant", "home-1")
	require.Equal(t, 3, code, "a dry run writes nothing")

	out, errOut, code = e.arca(t, "manifests", "upgrade")
	require.Equal(t, 3, code, errOut)
	require.Contains(t, out, "upgraded       "+keyA)
	require.Contains(t, out, "refused        "+keyB)
	out, errOut, code = e.arca(t, "list", "--tenant", "home-1")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, idA)
	require.Contains(t, out, "true", "verified again, sealed")
	_, errOut, code = e.arca(t, "restore", "tenant", "--tenant", "home-2", "--latest", "--replace")
	require.Equal(t, 3, code, errOut)
	out, errOut, code = e.arca(t, "manifests", "show", idA)
	require.Equal(t, 0, code, errOut)
	var shown struct {
		Manifest     backup.Manifest      `json:"manifest"`
		Verification *backup.Verification `json:"verification"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &shown))
	require.Equal(t, "home-1", shown.Manifest.Tenant)
	require.True(t, shown.Verification.Verified)
	_, _, code = e.arca(t, "manifests", "show", idB)
	require.Equal(t, 3, code)

	// A plaintext copy of A's manifest in B's folder: refused too.
	e.put(t, keyB, format1(mA))
	out, errOut, code = e.arca(t, "manifests", "upgrade")
	require.Equal(t, 3, code, errOut)
	require.Contains(t, out, "refused        "+keyB)
	require.Contains(t, out, "describes tenant home-1")
}
