package roundtrip_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/fingerprint"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/services/exporter/internal/export"
)

// sealAsBefore seals plain as the pipeline did before the exporter
// compressed: plaintext parts of partSize bytes, each compressed by the
// encryptor, and sealed raw instead when the compressed part (not the last)
// fell below minimum.
func sealAsBefore(t testing.TB, kek seal.KEK, id, tenant string, plain []byte, partSize, minimum int) sealed {
	t.Helper()
	s := sealParts(t, kek, id, "tenant", tenant, plain, partSize, false)
	raw := sealParts(t, kek, id, "tenant", tenant, plain, partSize, true)
	var parts [][]byte
	for i, p := range s.m.Object.Parts {
		sealedPart := s.obj[p.Offset : p.Offset+p.Size]
		if i < len(s.m.Object.Parts)-1 && len(sealedPart) < minimum {
			rp := raw.m.Object.Parts[i]
			sealedPart = raw.obj[rp.Offset : rp.Offset+rp.Size]
		}
		parts = append(parts, sealedPart)
	}
	// The parts are sealed already: put them together under one manifest.
	m := s.m
	m.Object.Parts = nil
	var obj bytes.Buffer
	for i, p := range parts {
		sum := sha256.Sum256(p)
		m.Object.Parts = append(m.Object.Parts, s.m.Object.Parts[i])
		m.Object.Parts[i].Offset, m.Object.Parts[i].Size, m.Object.Parts[i].SHA256 = int64(obj.Len()), int64(len(p)), hex.EncodeToString(sum[:])
		obj.Write(p)
	}
	sum := sha256.Sum256(obj.Bytes())
	m.Object.Size, m.Object.SHA256 = int64(obj.Len()), hex.EncodeToString(sum[:])
	return sealed{m: m, obj: obj.Bytes()}
}

// An object written by the older pipeline (plaintext parts, the small ones
// sealed raw) and one written now (the exporter's zstd frames, cut by
// compressed size) restore alike.
func TestObjectsOfTheOlderPipelineStillRestore(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var tar bytes.Buffer
	am, err := export.Tenant(t.Context(), b.cfg, acme, &tar)
	require.NoError(t, err)
	facts, err := json.Marshal(am)
	require.NoError(t, err)
	fp := selectionFingerprints(t, b.db.URL, am)

	old := sealAsBefore(t, b.kek, "b-old", acme, tar.Bytes(), 64<<10, 5<<20)
	now := sealFrames(t, b.kek, "b-now", "tenant", acme, tar.Bytes(), 16<<10)
	for name, s := range map[string]sealed{"old": old, "now": now} {
		s.m.Export = facts
		require.NoError(t, s.m.Validate(), name)
		flags := partFlags(t, s, b)
		require.Greater(t, len(flags), 2, name)
		if name == "old" {
			require.Equal(t, append(make([]bool, len(flags)-1), true), flags, "old: every part but the last sealed raw")
		} else {
			for _, c := range flags {
				require.True(t, c, "now: every part compressed")
			}
		}

		schema := "acme_" + name
		_, err := restore.Tenant(t.Context(), b.db.URL, s.open(), s.m, b.keys,
			restore.Options{Mode: restore.ModeIntoSchema, Schema: schema, Tenancy: tenancyConfig})
		require.NoError(t, err, name)
		conn, err := pgx.Connect(t.Context(), b.db.URL)
		require.NoError(t, err)
		for _, tab := range am.Tables {
			if tab.Role != "schema-table" {
				continue
			}
			got, err := fingerprint.Table(t.Context(), conn, schema, tab.Name, columnNames(tab), "")
			require.NoError(t, err)
			key := fmt.Sprintf("%s %s.%s", tab.Role, tab.Schema, tab.Name)
			require.Equal(t, fp[key], got, "%s: %s", name, key)
		}
		conn.Close(context.Background())
	}
}

// partFlags returns each part's compressed flag.
func partFlags(t *testing.T, s sealed, b *bundle) []bool {
	t.Helper()
	pr := seal.NewPartReader(s.open(), s.m.BackupID, b.keys)
	var flags []bool
	for {
		info, err := pr.Next()
		if err != nil {
			require.ErrorIs(t, err, io.EOF)
			return flags
		}
		flags = append(flags, info.Compressed)
	}
}
