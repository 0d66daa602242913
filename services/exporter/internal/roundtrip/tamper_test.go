package roundtrip_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/verify"
)

// A backup with one flipped byte is refused: the restore rolls back with
// nothing changed, and verification names the backup and the part.
func TestTamperedBackupIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.backup(t, acme, 16<<10) // compressed parts: several of them
	runSQL(t, b.db, mutateAcme)
	before := everything(t, b.db.URL)
	require.GreaterOrEqual(t, len(s.m.Object.Parts), 4)

	cases := map[string]struct {
		part  int
		fixUp bool // also rewrite the manifest's hashes, so that only seal can tell
	}{
		"middle part":                 {part: 2},
		"last byte, hashes rewritten": {part: len(s.m.Object.Parts) - 1, fixUp: true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			bad := s
			bad.obj = bytes.Clone(s.obj)
			p := s.m.Object.Parts[c.part]
			at := p.Offset + p.Size/2
			if c.fixUp {
				at = p.Offset + p.Size - 1
				bad.m = rehash(s, bad.obj, at)
			} else {
				bad.obj[at] ^= 0x01
			}

			_, err := restore.Tenant(t.Context(), b.db.URL, bad.open(), bad.m, b.keys, replaceOpts())
			var f *verify.Failure
			require.True(t, errors.As(err, &f), "got %v", err)
			require.Equal(t, s.m.BackupID, f.BackupID)
			require.Equal(t, c.part, f.Part)
			require.True(t, f.Damaged())
			require.Equal(t, before, everything(t, b.db.URL))

			res, err := verify.Backup(t.Context(), bad.open(), bad.m, b.keys)
			require.True(t, errors.As(err, &f))
			require.False(t, res.Verified)
			require.Equal(t, s.m.BackupID, f.BackupID)
			require.Equal(t, c.part, f.Part)
			require.Contains(t, res.Reason, s.m.BackupID)
			if c.fixUp {
				require.Equal(t, verify.StageSeal, f.Stage)
			}
		})
	}

	res, err := verify.Backup(t.Context(), s.open(), s.m, b.keys)
	require.NoError(t, err)
	require.True(t, res.Verified)
	require.Len(t, res.Tables, len(s.am.Tables))
}

// rehash flips the byte at obj[at] and rewrites the manifest's object and
// part hashes to match, as an attacker with write access to both would.
func rehash(s sealed, obj []byte, at int64) (m2 backup.Manifest) {
	obj[at] ^= 0x01
	m2 = s.m
	m2.Object.Parts = append(m2.Object.Parts[:0:0], s.m.Object.Parts...)
	for i, p := range m2.Object.Parts {
		sum := sha256.Sum256(obj[p.Offset : p.Offset+p.Size])
		m2.Object.Parts[i].SHA256 = hex.EncodeToString(sum[:])
	}
	sum := sha256.Sum256(obj)
	m2.Object.SHA256 = hex.EncodeToString(sum[:])
	return m2
}
