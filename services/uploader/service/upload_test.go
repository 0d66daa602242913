package service_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
)

// Two uploader replicas take the 48 parts (5 MiB each, S3's minimum) of
// one artifact, announced out of order (many more parts than replicas; 200
// parts, 1 GiB, took ten minutes on a loaded CI machine for no more proof), and the upload completes on a real
// S3 gateway as one object whose SHA-256, size and parts match the manifest,
// and which opens with the keyring alone.
func TestTwoReplicasUploadManyPartsIntoOneObject(t *testing.T) {
	t.Parallel()
	b := setup(t)
	store := newS3(t)
	b.startUploader(t, store)
	b.startUploader(t, store)

	a := b.stageArtifact(t, "tenant/48", 48, 5<<20)
	b.publish(t, a)
	m := b.waitForManifest(t, store, a)

	size, sealedSHA, plainSHA := b.objectSHA(t, store, m.Object.Key, a.id)
	require.Equal(t, a.sealedSHA, sealedSHA)
	require.Equal(t, m.Object.SHA256, sealedSHA, "the object's SHA-256 matches the manifest")
	require.Equal(t, m.Object.Size, size)
	require.Equal(t, a.sealedSize, size)
	require.Equal(t, a.plainSHA, plainSHA)
	require.Len(t, m.Object.Parts, 48)
	require.Equal(t, int64(48*5<<20), m.PlainSize)
	require.Equal(t, "tenant/48", m.Tenant)

	require.Zero(t, noUploadsLeft(t, store), "no orphan multipart upload")
	require.Equal(t, 1, streamMsgs(t, b.n.JS, messages.StreamJobs, messages.Filter(messages.SubjectVerify)), "one verify job")
	for _, p := range a.parts {
		_, err := b.staging.Stat(t.Context(), p.StagingKey)
		require.Error(t, err, "staged part %d deleted", p.Part)
	}
}
