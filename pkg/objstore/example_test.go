package objstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
)

// A filesystem store: Put writes an object whole (atomically, with its
// SHA-256), Get reads it or a range of it, List walks the keys under a
// prefix in order. The S3 store answers the same calls.
func Example() {
	dir, err := os.MkdirTemp("", "objstore-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()

	ctx := context.Background()
	var store objstore.Store
	store, err = fsstore.New(dir)
	if err != nil {
		log.Fatal(err)
	}

	for key, body := range map[string]string{
		"prod/tenant/acme/b1/data.arca": "sealed parts of acme",
		"prod/tenant/acme/b1/manifest":  "acme's manifest",
		"prod/tenant/beta/b2/manifest":  "beta's manifest",
	} {
		if _, err := store.Put(ctx, key, strings.NewReader(body), int64(len(body))); err != nil {
			log.Fatal(err)
		}
	}

	// Bytes 13 to 19 of one object.
	rc, err := store.Get(ctx, "prod/tenant/acme/b1/data.arca", objstore.Range{Offset: 13, Length: 7})
	if err != nil {
		log.Fatal(err)
	}
	part, err := io.ReadAll(rc)
	_ = rc.Close() // read side: a close error loses nothing
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("range: %q\n", part)

	for obj, err := range store.List(ctx, "prod/tenant/acme/") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(obj.Key, obj.Size)
	}

	_, err = store.Get(ctx, "prod/tenant/gone/manifest", objstore.Range{})
	fmt.Println("missing is ErrNotFound:", errors.Is(err, objstore.ErrNotFound))
	// Output:
	// range: "of acme"
	// prod/tenant/acme/b1/data.arca 20
	// prod/tenant/acme/b1/manifest 15
	// missing is ErrNotFound: true
}
