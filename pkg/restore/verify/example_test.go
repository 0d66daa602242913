package verify_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// Prove a committed backup from the bucket before restoring it, as the
// verifier and `arca restore` do: Stored authenticates the manifest with
// the keyring, reads the sealed object back once, checks its SHA-256 part
// by part, opens every segment and checks each file and row count. One
// flipped byte is damage, and the failure names the part.
func ExampleStored() {
	dir, err := os.MkdirTemp("", "verify-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	ctx := context.Background()
	store, err := fsstore.New(dir)
	if err != nil {
		log.Fatal(err)
	}
	keys := keyring.New()
	if _, err := keys.Rotate(""); err != nil {
		log.Fatal(err)
	}
	repo := backup.Repository{Store: store, Layout: backup.Layout{Prefix: "prod"}, Keys: keys}
	m := commitExampleBackup(ctx, store, repo.Layout, keys, "acme", "bk-1")

	res, err := verify.Stored(ctx, repo, repo.Layout.Manifest("tenant", "acme", "bk-1"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("verified %v: %d part, table %s.%s with %d rows\n",
		res.Verified, res.Parts, res.Tables[0].Schema, res.Tables[0].Name, res.Tables[0].Rows)

	// Flip one byte of the stored object.
	rc, err := store.Get(ctx, m.Object.Key, objstore.Range{})
	if err != nil {
		log.Fatal(err)
	}
	obj, err := io.ReadAll(rc)
	_ = rc.Close() // read side: a close error loses nothing
	if err != nil {
		log.Fatal(err)
	}
	obj[len(obj)/2] ^= 1
	if _, err := store.Put(ctx, m.Object.Key, bytes.NewReader(obj), int64(len(obj))); err != nil {
		log.Fatal(err)
	}
	_, err = verify.Stored(ctx, repo, repo.Layout.Manifest("tenant", "acme", "bk-1"))
	var f *verify.Failure
	if errors.As(err, &f) {
		fmt.Printf("damaged %v: backup %s, stage %s, part %d\n", f.Damaged(), f.BackupID, f.Stage, f.Part)
	}
	// Output:
	// verified true: 1 part, table public.notes with 3 rows
	// damaged true: backup bk-1, stage seal, part 0
}

// commitExampleBackup writes what the pipeline would: a tenant archive of
// one table sealed as one part, and its manifest sealed with the keyring.
func commitExampleBackup(ctx context.Context, store objstore.Store, layout backup.Layout, keys backup.Keys, tenant, id string) backup.Manifest {
	var tar bytes.Buffer
	aw := archive.NewWriter(&tar)
	file := archive.DataFileName(1, "public", "notes")
	f, err := aw.WriteFile(file, strings.NewReader("id,note\n1,one\n2,two\n3,three\n"), true)
	if err != nil {
		log.Fatal(err)
	}
	am, err := aw.Close(archive.Manifest{Kind: archive.KindTenant, Tenant: archive.Tenant{ID: tenant},
		Tables: []archive.Table{{Schema: "public", Name: "notes", Role: "tenant-owned", File: file, Rows: f.Rows,
			Columns: []archive.Column{{Name: "id", Type: "bigint"}, {Name: "note", Type: "text"}}}}})
	if err != nil {
		log.Fatal(err)
	}
	kek, err := keys.Primary(tenant)
	if err != nil {
		log.Fatal(err)
	}
	plain := tar.Bytes()
	m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: id, Kind: "tenant", Tenant: tenant,
		KeyIDs: []string{kek.ID}, CreatedAt: time.Now().UTC(), PlainSize: int64(len(plain)), PlainSHA256: hexSum(plain)}
	if m.Export, err = json.Marshal(am); err != nil {
		log.Fatal(err)
	}
	var obj bytes.Buffer
	if _, err := seal.Seal(ctx, &obj, bytes.NewReader(plain), seal.Part{Artifact: m.SealedAs(), Index: 0, Last: true}, kek); err != nil {
		log.Fatal(err)
	}
	m.Object = backup.Object{Key: layout.Data("tenant", tenant, id), Size: int64(obj.Len()), SHA256: hexSum(obj.Bytes()),
		Parts: []backup.Part{{Index: 0, Size: int64(obj.Len()), SHA256: hexSum(obj.Bytes()), PlainSize: int64(len(plain)), KeyID: kek.ID}}}
	key, doc, err := layout.SealManifest(ctx, m, keys)
	if err != nil {
		log.Fatal(err)
	}
	for k, data := range map[string][]byte{m.Object.Key: obj.Bytes(), key: doc} {
		if _, err := store.Put(ctx, k, bytes.NewReader(data), int64(len(data))); err != nil {
			log.Fatal(err)
		}
	}
	return m
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
