package staging_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Create stores a part only where none is: a second Create of the key
// fails with ErrExists and leaves the first part; once the part is
// deleted, the key can be created again.
func TestCreateNeverReplacesAPart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	n := teststack.NewNATS(t)
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)

	first, err := st.Create(ctx, "a/0.sealed", bytes.NewReader([]byte("first")), nil)
	require.NoError(t, err)
	_, err = st.Create(ctx, "a/0.sealed", bytes.NewReader([]byte("second")), nil)
	require.ErrorIs(t, err, staging.ErrExists)
	got, err := st.Stat(ctx, "a/0.sealed")
	require.NoError(t, err)
	require.Equal(t, first.SHA256, got.SHA256, "the first part stays")

	require.NoError(t, st.Delete(ctx, "a/0.sealed"))
	third, err := st.Create(ctx, "a/0.sealed", bytes.NewReader([]byte("third")), nil)
	require.NoError(t, err)
	got, err = st.Stat(ctx, "a/0.sealed")
	require.NoError(t, err)
	require.Equal(t, third.SHA256, got.SHA256)
}
