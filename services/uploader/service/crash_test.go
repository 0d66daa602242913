package service_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
	uploader "github.com/arcabackup/arca/services/uploader/service"
)

// TestMain lets the test binary double as an uploader process that a test
// kills with SIGKILL.
func TestMain(m *testing.M) {
	if url := os.Getenv("ARCA_UPLOADER_CHILD_URL"); url != "" {
		dyingUploader(url, os.Getenv("ARCA_UPLOADER_CHILD_DIR"), os.Getenv("ARCA_UPLOADER_CHILD_MARKER"))
		return
	}
	os.Exit(m.Run())
}

// hangBeforeManifest is a store on which writing a manifest never returns:
// the process is killed between completing the upload and committing it.
type hangBeforeManifest struct {
	objstore.Store
	marker string
}

func (h hangBeforeManifest) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.Option) (objstore.ObjectInfo, error) {
	if strings.HasSuffix(key, backup.ManifestObject) {
		_ = os.WriteFile(h.marker, []byte(key), 0o600)
		select {}
	}
	return h.Store.Put(ctx, key, r, size, opts...)
}

func dyingUploader(url, dir, marker string) {
	nc, err := nats.Connect(url)
	if err != nil {
		panic(err)
	}
	js, _ := jetstream.New(nc)
	ctx := context.Background()
	st, err := staging.Ensure(ctx, js, staging.Options{})
	if err != nil {
		panic(err)
	}
	store, err := fsstore.New(dir)
	if err != nil {
		panic(err)
	}
	cfg := quiet()
	cfg.AckWait = time.Second
	// Its own keyring: it never gets to write the manifest it seals.
	kr := keyring.New()
	if _, err := kr.Rotate(""); err != nil {
		panic(err)
	}
	up, err := uploader.New(uploader.Deps{JS: js, Staging: st, Store: hangBeforeManifest{Store: store, marker: marker}, Keys: kr}, uploader.Config{Layout: backup.Layout{Prefix: "test"}, Worker: cfg})
	if err != nil {
		panic(err)
	}
	_ = up.Run(ctx)
}

// An uploader killed after completing the multipart upload but before
// writing the manifest: the last part's job is redelivered to another
// replica, which recognises the completed upload and ends with exactly one
// backup, one manifest, one verify job and no orphan multipart upload.
func TestUploaderKilledBeforeTheManifestEndsWithOneBackup(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	store, err := fsstore.New(dir)
	require.NoError(t, err)
	a := b.stageArtifact(t, "killed", 3, 5<<20)

	marker := filepath.Join(t.TempDir(), "marker")
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "ARCA_UPLOADER_CHILD_URL="+b.n.URL, "ARCA_UPLOADER_CHILD_DIR="+dir, "ARCA_UPLOADER_CHILD_MARKER="+marker)
	require.NoError(t, child.Start())
	b.publish(t, a)
	teststack.Eventually(t, 60*time.Second, func() bool { _, err := os.Stat(marker); return err == nil }, "child about to write the manifest")
	_, err = store.Stat(t.Context(), b.layout.Data("tenant", "killed", a.backupID))
	require.NoError(t, err, "the upload was completed before the kill")
	require.NoError(t, child.Process.Kill()) // SIGKILL
	_ = child.Wait()

	b.startUploader(t, store)
	m := b.waitForManifest(t, store, a)
	size, sealedSHA, plainSHA := b.objectSHA(t, store, m.Object.Key, a.id)
	require.Equal(t, m.Object.SHA256, sealedSHA)
	require.Equal(t, a.plainSHA, plainSHA)
	require.Equal(t, m.Object.Size, size)

	manifests := 0
	for info, err := range store.List(t.Context(), "") {
		require.NoError(t, err)
		if backup.IsManifest(info.Key) {
			manifests++
		}
	}
	require.Equal(t, 1, manifests, "exactly one backup")
	require.Zero(t, noUploadsLeft(t, store), "no orphan multipart upload")
	teststack.Eventually(t, 30*time.Second, func() bool {
		return streamMsgs(t, b.n.JS, messages.StreamJobs, messages.Filter(messages.SubjectUpload)) == 0
	}, "every upload job acked")
	require.Equal(t, 1, streamMsgs(t, b.n.JS, messages.StreamJobs, messages.Filter(messages.SubjectVerify)), "one verify job")
}
