package stack_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/config/configtest"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
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
