package restore_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/tenancy"
)

// Restore one tenant's backup side by side, into a new schema of the live
// database: find its manifest in the bucket (authenticated with the
// keyring), verify the whole object, then restore it in one transaction.
// It needs a bucket, a keyring and a database, so it is compiled, not run;
// services/exporter/internal/roundtrip runs the same calls against real
// backups.
func ExampleVerifyThenRestore() {
	ctx := context.Background()
	store, err := fsstore.New("/var/lib/arca/bucket")
	if err != nil {
		log.Fatal(err)
	}
	keys, err := keyring.Load(ctx, keyring.File{Path: "/etc/arca/keyring.json", Passphrase: []byte(os.Getenv("ARCA_KEYRING_PASSPHRASE"))})
	if err != nil {
		log.Fatal(err)
	}
	repo := backup.Repository{Store: store, Layout: backup.Layout{Prefix: "prod"}, Keys: keys}
	key, err := repo.Find(ctx, "20261129T020000Z-3f2a9c81d04e") // the id arca list shows
	if err != nil {
		log.Fatal(err)
	}
	m, err := repo.Manifest(ctx, key)
	if err != nil {
		log.Fatal(err)
	}

	opts := restore.Options{
		Mode:    restore.ModeIntoSchema,
		Schema:  "acme_restored",
		Tenancy: tenancy.Config{}, // the live database's tenancy configuration
	}
	if err := opts.Validate(); err != nil {
		log.Fatal(err)
	}
	open := func(ctx context.Context) (io.ReadCloser, error) {
		return store.Get(ctx, m.Object.Key, objstore.Range{})
	}
	res, err := restore.VerifyThenRestore(ctx, "postgres://arca@db.internal/app", open, m, keys, opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s restored into %s: %d rows\n", res.Tenant, res.Schema, res.Restored)
}

// Options are checked before anything runs: a side-by-side restore needs
// the new schema's name, and only it takes one.
func ExampleOptions_Validate() {
	fmt.Println(restore.Options{Mode: restore.ModeIntoSchema}.Validate())
	fmt.Println(restore.Options{Mode: restore.ModeTarget, Schema: "acme_restored"}.Validate())
	fmt.Println(restore.Options{Mode: "in-place"}.Validate())
	fmt.Println(restore.Options{Mode: restore.ModeIntoSchema, Schema: "acme_restored"}.Validate())
	// Output:
	// restore: into-schema needs a schema name
	// restore: a schema name goes only with into-schema
	// restore: mode "in-place" is not replace, target or into-schema
	// <nil>
}
