// Package backuptest builds committed tenant backups for tests and
// examples with the real archive writer and sealer, without running the
// pipeline: a tenant archive of one table, sealed in parts under the
// keyring's primary key, and its sealed manifest, as the uploader leaves
// them in the bucket.
package backuptest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
)

// Spec is the backup to build.
type Spec struct {
	Tenant, BackupID string
	// Rows is the row count of the one table, public.notes (id, note),
	// whose every note spans two lines.
	Rows int
	// Parts is how many sealed parts (default 1).
	Parts int
}

// Table is the archive file of the one table.
var Table = archive.DataFileName(1, "public", "notes")

// Build returns the manifest of the backup and its sealed data object. The
// archive is written in 4 KiB chunks and sealed in the smallest segments,
// so that even a small backup has several of each.
func Build(ctx context.Context, layout backup.Layout, keys backup.Keys, s Spec) (backup.Manifest, []byte, error) {
	var tar bytes.Buffer
	aw := archive.NewWriter(&tar, archive.WithChunkSize(4096))
	var csv strings.Builder
	csv.WriteString("id,note\n")
	for i := range s.Rows {
		fmt.Fprintf(&csv, "%d,\"note %d\nsecond line\"\n", i, i)
	}
	f, err := aw.WriteFile(Table, strings.NewReader(csv.String()), true)
	if err != nil {
		return backup.Manifest{}, nil, err
	}
	am, err := aw.Close(archive.Manifest{Kind: archive.KindTenant, Tenant: archive.Tenant{ID: s.Tenant},
		Tables: []archive.Table{{Schema: "public", Name: "notes", Role: "tenant-owned", File: Table, Rows: f.Rows,
			Columns: []archive.Column{{Name: "id", Type: "bigint"}, {Name: "note", Type: "text"}}}}})
	if err != nil {
		return backup.Manifest{}, nil, err
	}
	kek, err := keys.Primary(s.Tenant)
	if err != nil {
		return backup.Manifest{}, nil, err
	}
	plain := tar.Bytes()
	m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: s.BackupID, Kind: "tenant", Tenant: s.Tenant,
		KeyIDs: []string{kek.ID}, CreatedAt: time.Now().UTC(), PlainSize: int64(len(plain)), PlainSHA256: hexSum(plain)}
	if m.Export, err = json.Marshal(am); err != nil {
		return backup.Manifest{}, nil, err
	}
	var obj bytes.Buffer
	size := len(plain)/max(s.Parts, 1) + 1
	for i := 0; i*size < len(plain); i++ {
		off := obj.Len()
		chunk := plain[i*size : min((i+1)*size, len(plain))]
		last := (i+1)*size >= len(plain)
		if _, err := seal.Seal(ctx, &obj, bytes.NewReader(chunk), seal.Part{Artifact: m.SealedAs(), Index: uint32(i), Last: last},
			kek, seal.WithSegmentSize(seal.MinSegmentSize)); err != nil {
			return backup.Manifest{}, nil, err
		}
		m.Object.Parts = append(m.Object.Parts, backup.Part{Index: i, Offset: int64(off), Size: int64(obj.Len() - off),
			SHA256: hexSum(obj.Bytes()[off:]), PlainSize: int64(len(chunk)), KeyID: kek.ID})
	}
	m.Object.Key, m.Object.Size, m.Object.SHA256 = layout.Data("tenant", s.Tenant, s.BackupID), int64(obj.Len()), hexSum(obj.Bytes())
	return m, obj.Bytes(), m.Validate()
}

// Commit builds the backup and writes its data object, then its sealed
// manifest (the commit point), to store. It returns the manifest, its key
// and the data object.
func Commit(ctx context.Context, store objstore.Store, layout backup.Layout, keys backup.Keys, s Spec) (backup.Manifest, string, []byte, error) {
	m, obj, err := Build(ctx, layout, keys, s)
	if err != nil {
		return m, "", nil, err
	}
	key, doc, err := layout.SealManifest(ctx, m, keys)
	if err != nil {
		return m, "", nil, err
	}
	for _, o := range []struct {
		key  string
		data []byte
	}{{m.Object.Key, obj}, {key, doc}} {
		if _, err := store.Put(ctx, o.key, bytes.NewReader(o.data), int64(len(o.data))); err != nil {
			return m, "", nil, err
		}
	}
	return m, key, obj, nil
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
