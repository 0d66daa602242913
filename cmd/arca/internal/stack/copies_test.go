package stack_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/config/configtest"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
)

// Each further destination's copy jobs write under that destination's own
// store.destinations[].s3.sse_kms_key_id, and none under the primary's
// (the uploader's TestCopyIsWrittenUnderItsDestinationsOwnKMSKey).
func TestCopiesCarryTheirDestinationsOwnKMSKey(t *testing.T) {
	cfg := configtest.Local(t)
	cfg.Store.S3.SSEKMSKeyID = "arn:aws:kms:sa-east-1:1:key/primary"
	cfg.Store.Destinations = []config.Destination{
		{Name: "dr", Kind: "fs", FS: config.FSStore{Dir: t.TempDir()}, S3: config.S3Store{SSEKMSKeyID: "arn:aws:kms:us-east-1:1:key/dr"}},
		{Name: "local", Kind: "fs", FS: config.FSStore{Dir: t.TempDir()}},
	}
	copies, err := stack.Copies(t.Context(), cfg)
	require.NoError(t, err)
	require.Len(t, copies, 2)
	require.Equal(t, "dr", copies[0].Name)
	require.Equal(t, "arn:aws:kms:us-east-1:1:key/dr", copies[0].SSEKMSKeyID)
	require.Equal(t, "local", copies[1].Name)
	require.Empty(t, copies[1].SSEKMSKeyID)
}

// arca copy writes a copy as the uploader's copy job does in that
// destination: with its own SSE-KMS key and its own Object Lock.
func TestWritesToIsTheDestinationsOwn(t *testing.T) {
	cfg := configtest.Local(t)
	cfg.Store.S3.SSEKMSKeyID = "arn:aws:kms:sa-east-1:1:key/primary"
	cfg.Store.Destinations = []config.Destination{
		{Name: "dr", Kind: "fs", FS: config.FSStore{Dir: t.TempDir()}, S3: config.S3Store{SSEKMSKeyID: "arn:aws:kms:us-east-1:1:key/dr", ObjectLock: "COMPLIANCE"}},
	}
	copies, err := stack.Copies(t.Context(), cfg)
	require.NoError(t, err)
	w := stack.WritesTo(cfg, "dr")
	require.Equal(t, copies[0].Writes(nil), w)
	require.Equal(t, "arn:aws:kms:us-east-1:1:key/dr", w.SSEKMSKeyID)
	require.Equal(t, objstore.LockCompliance, w.Policies["tenant"].LockMode)
	require.Empty(t, stack.WritesTo(cfg, "nowhere"))
}

// The writers' mirror writes the PITR archive into each further destination
// under that destination's own SSE-KMS key, as arca copy --archive does.
func TestArchiveCopiesWriteUnderTheirDestinationsOwnKMSKey(t *testing.T) {
	cfg := configtest.Local(t)
	cfg.Store.Destinations = []config.Destination{
		{Name: "dr", Kind: "fs", FS: config.FSStore{Dir: t.TempDir()}, S3: config.S3Store{SSEKMSKeyID: "arn:aws:kms:us-east-1:1:key/dr"}},
		{Name: "local", Kind: "fs", FS: config.FSStore{Dir: t.TempDir()}},
	}
	set, err := stack.ArchiveCopies(t.Context(), cfg)
	require.NoError(t, err)
	require.Len(t, set, 2)
	enc, ok := set[0].Store.(objstore.KMSEncrypted)
	require.True(t, ok, "dr writes under its key")
	require.Equal(t, "arn:aws:kms:us-east-1:1:key/dr", enc.KeyID)
	_, ok = set[1].Store.(objstore.KMSEncrypted)
	require.False(t, ok, "a destination without a key of its own: the bucket's default encryption")
	_, ok = stack.RetainedIn(cfg, set[0]).(objstore.KMSEncrypted)
	require.True(t, ok)
}

// A destination that is not AWS S3 names the storage classes it knows
// (MinIO: STANDARD); the others keep the defaults, and so does the
// primary, which names none.
func TestStorageClassesAreTheDestinationsOwn(t *testing.T) {
	cfg := configtest.Local(t)
	cfg.Store.Destinations = []config.Destination{
		{Name: "minio", Kind: "fs", FS: config.FSStore{Dir: t.TempDir()},
			S3: config.S3Store{StorageClasses: map[string]string{"tenant": "STANDARD", "full": "STANDARD", "base": "STANDARD"}}},
		{Name: "dr", Kind: "fs", FS: config.FSStore{Dir: t.TempDir()}},
	}
	require.NoError(t, cfg.Validate())
	for _, kind := range []string{"tenant", "full", "base"} {
		require.Equal(t, "STANDARD", stack.WritesTo(cfg, "minio").Policies[kind].StorageClass, kind)
		require.Equal(t, backup.DefaultObjectPolicies()[kind].StorageClass, stack.WritesTo(cfg, "dr").Policies[kind].StorageClass, kind)
		require.Equal(t, backup.DefaultObjectPolicies()[kind].StorageClass, stack.Policies(cfg)[kind].StorageClass, kind)
	}
	copies, err := stack.Copies(t.Context(), cfg)
	require.NoError(t, err)
	require.Equal(t, "STANDARD", copies[0].Writes(nil).Policies["base"].StorageClass)
	// The archive's copies too: a base backup taken in GLACIER is copied
	// into minio in STANDARD.
	archive, err := stack.ArchiveCopies(t.Context(), cfg)
	require.NoError(t, err)
	_, err = archive[0].Store.Put(t.Context(), "base/b1/data.arca", strings.NewReader("x"), 1, objstore.WithStorageClass("GLACIER"))
	require.NoError(t, err)
	info, err := archive[0].Store.Stat(t.Context(), "base/b1/data.arca")
	require.NoError(t, err)
	require.Equal(t, "STANDARD", info.StorageClass)

	cfg.Store.S3.StorageClasses = map[string]string{"base": "GLACIER_IR"}
	require.Equal(t, "GLACIER_IR", stack.Policies(cfg)["base"].StorageClass, "the primary's own")
	cfg.Store.Destinations[0].S3.StorageClasses = map[string]string{"wal": "STANDARD", "tenant": "standard"}
	err = cfg.Validate()
	require.ErrorContains(t, err, `store.destinations[0].s3.storage_classes: "wal" is not tenant, full or base`)
	require.ErrorContains(t, err, `store.destinations[0].s3.storage_classes.tenant "standard" is not a storage class`)
}
