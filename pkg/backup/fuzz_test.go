package backup_test

import (
	"testing"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// Whatever the bytes at a manifest key, opening never panics, and only the
// document sealed for that key opens (to the manifest that was sealed).
func FuzzOpenManifest(f *testing.F) {
	keys := keyring.New()
	if _, err := keys.Rotate(""); err != nil {
		f.Fatal(err)
	}
	layout := backup.Layout{Prefix: "prod/"}
	m := manifest("tenant", "tenant-a", "a1")
	key, doc, err := layout.SealManifest(f.Context(), m, keys)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(doc)
	f.Add([]byte(`{"format_version": 1}`))
	f.Add([]byte(`{"arca":"manifest","format_version":2,"kind":"tenant","backup_id":"a1","sealed":"QVJDQQ=="}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := layout.OpenManifest(t.Context(), key, data, keys)
		if err == nil && (got.BackupID != m.BackupID || got.Tenant != m.Tenant || got.Object.SHA256 != m.Object.SHA256) {
			t.Fatalf("opened a manifest that was not sealed for %s: %+v", key, got)
		}
	})
}
