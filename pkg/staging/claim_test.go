package staging_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// A part claimed since its writer stored it is not deleted by the writer's
// DeleteUnchanged (ErrChanged), and reads back whole; an unclaimed one is,
// its chunks with it; a claim of a deleted part finds nothing.
func TestDeleteUnchangedKeepsAClaimedPart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	n := teststack.NewNATS(t)
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	body := bytes.Repeat([]byte("sealed"), 100_000) // several chunks

	created, err := st.Create(ctx, "a/0.sealed", bytes.NewReader(body), map[string]string{"key-id": "k1"})
	require.NoError(t, err)
	stat, err := st.Stat(ctx, "a/0.sealed")
	require.NoError(t, err)
	require.Equal(t, created.Revision, stat.Revision, "Stat reads the revision Create wrote")

	claimed, err := st.Claim(ctx, "a/0.sealed")
	require.NoError(t, err)
	require.Greater(t, claimed.Revision, created.Revision)
	require.Equal(t, created.SHA256, claimed.SHA256)
	require.Equal(t, "k1", claimed.Meta["key-id"])

	require.ErrorIs(t, st.DeleteUnchanged(ctx, "a/0.sealed", created.Revision), staging.ErrChanged)
	rc, info, err := st.Get(ctx, "a/0.sealed")
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	require.Equal(t, body, got, "the claimed part stays whole")
	require.Equal(t, created.SHA256, info.SHA256)

	require.NoError(t, st.DeleteUnchanged(ctx, "a/0.sealed", claimed.Revision))
	_, err = st.Stat(ctx, "a/0.sealed")
	require.ErrorIs(t, err, staging.ErrNotFound)
	_, err = st.Claim(ctx, "a/0.sealed")
	require.ErrorIs(t, err, staging.ErrNotFound)
	require.ErrorIs(t, st.DeleteUnchanged(ctx, "a/0.sealed", claimed.Revision), staging.ErrChanged)

	// The key can be created again; a Put over it moves the revision on too.
	again, err := st.Create(ctx, "a/0.sealed", bytes.NewReader([]byte("again")), nil)
	require.NoError(t, err)
	_, err = st.Put(ctx, "a/0.sealed", bytes.NewReader([]byte("over")), nil)
	require.NoError(t, err)
	require.ErrorIs(t, st.DeleteUnchanged(ctx, "a/0.sealed", again.Revision), staging.ErrChanged)
}
