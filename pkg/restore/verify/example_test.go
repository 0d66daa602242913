package verify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/backup/backuptest"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore/verify"
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
	// A backup as the pipeline commits it: data object, then manifest.
	m, key, _, err := backuptest.Commit(ctx, store, repo.Layout, keys, backuptest.Spec{Tenant: "acme", BackupID: "bk-1", Rows: 3})
	if err != nil {
		log.Fatal(err)
	}

	res, err := verify.Stored(ctx, repo, key)
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
	_, err = verify.Stored(ctx, repo, key)
	var f *verify.Failure
	if errors.As(err, &f) {
		fmt.Printf("damaged %v: backup %s, stage %s, part %d\n", f.Damaged(), f.BackupID, f.Stage, f.Part)
	}
	// Output:
	// verified true: 1 part, table public.notes with 3 rows
	// damaged true: backup bk-1, stage seal, part 0
}
