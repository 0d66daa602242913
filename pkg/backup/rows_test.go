package backup_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
)

// Rows: newest created first across kinds, verified true, false or null
// (pending or refused), and each refused verification after the refused
// manifests.
func TestListingRows(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 28, 1, 0, 0, 0, time.FixedZone("BRT", -3*3600))
	entry := func(kind, tenant, id string, at time.Time) backup.Entry {
		m := manifest(kind, tenant, id)
		m.CreatedAt, m.PlainSize = at, 100
		return backup.Entry{Key: "k/" + id, Manifest: m}
	}
	verified, failed := entry("tenant", "acme", "a", t0), entry("full", "", "f", t0.Add(2*time.Hour))
	verified.Verification = &backup.Verification{Verified: true}
	failed.Verification = &backup.Verification{Verified: false}
	pending := entry("base", "", "b", t0.Add(time.Hour))
	refused := entry("tenant", "acme", "r", t0.Add(-time.Hour))
	refused.VerificationErr = errors.New("verification refused")
	badManifest := errors.New("manifest refused")

	rows, errs := backup.Listing{Backups: []backup.Entry{verified, pending, refused, failed}, Refused: []error{badManifest}}.Rows()
	require.Equal(t, []error{badManifest, refused.VerificationErr}, errs)
	var ids, words []string
	for _, r := range rows {
		ids, words = append(ids, r.BackupID), append(words, r.VerifiedText())
	}
	require.Equal(t, []string{"f", "b", "a", "r"}, ids)
	require.Equal(t, []string{"false", "pending", "true", "refused"}, words)
	require.Equal(t, time.UTC, rows[2].Created.Location())

	doc, err := json.Marshal(rows[1])
	require.NoError(t, err)
	require.JSONEq(t, `{"backup_id":"b","kind":"base","created_at":"2026-11-28T05:00:00Z","bytes":30,"plain_bytes":100,
		"verified":null,"verification":"pending","manifest_key":"k/b"}`, string(doc))

	rows, errs = backup.Listing{}.Rows()
	require.Nil(t, rows, "none: JSON null")
	require.Empty(t, errs)
}
