package staging_test

import (
	"context"
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// keysOf lists what staging holds of an artifact.
func keysOf(t *testing.T, st *staging.Store, artifact string) []string {
	t.Helper()
	names, err := st.List(t.Context())
	require.NoError(t, err)
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, artifact+"/") {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// An attempt that fails after three parts were stored and announced (its
// export facts could not be put, say) deletes them at once, except the
// part an encryptor has claimed, which it is sealing and deletes itself.
// The artifact's last part was never announced: it can never be complete.
// Before, every stored part stayed in staging, in plaintext, until the
// bucket's TTL.
func TestDiscardDeletesThePartsNoReaderClaimed(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)

	var parts []staging.Part
	w := staging.NewPartWriter(ctx, st, "failed", 1000, func(_ context.Context, p staging.Part) error {
		parts = append(parts, p)
		return nil
	})
	data := make([]byte, 3000)
	_, _ = rand.Read(data)
	_, err = w.Write(data)
	require.NoError(t, err)
	teststack.Eventually(t, teststack.MinWait, func() bool { return len(keysOf(t, st, "failed")) == 3 }, "three parts stored")
	_, err = st.Claim(ctx, staging.PlainKey("failed", 1)) // an encryptor took part 1
	require.NoError(t, err)
	w.Abort(errors.New("export facts not stored"))

	d, err := w.Discard(ctx)
	require.NoError(t, err)
	require.Equal(t, staging.Discarded{Deleted: 2, Kept: 1, Dead: true}, d)
	require.Equal(t, []string{staging.PlainKey("failed", 1)}, keysOf(t, st, "failed"), "only the claimed part stays")
	require.Len(t, parts, 3)
}

// An attempt whose last announcement failed may yet have announced it (a
// publish whose ack was lost): if every part was claimed, the artifact may
// still be completed by the stages after, and nothing is deleted, nor is it
// dead. If one part was not claimed, it is deleted: that part can no
// longer be sealed, so the artifact is dead.
func TestDiscardAfterAnUncertainLastAnnouncement(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)

	for _, claimAll := range []bool{true, false} {
		artifact := map[bool]string{true: "claimed", false: "unclaimed"}[claimAll]
		w := staging.NewPartWriter(ctx, st, artifact, 1000, func(_ context.Context, p staging.Part) error {
			if claimAll || p.Index > 0 {
				if _, err := st.Claim(ctx, p.Key); err != nil {
					return err
				}
			}
			if p.Last {
				return errors.New("nats: timeout")
			}
			return nil
		})
		data := make([]byte, 2500)
		_, _ = rand.Read(data)
		_, err = w.Write(data)
		require.NoError(t, err)
		_, err = w.Close()
		require.ErrorContains(t, err, "announce part 2")

		d, err := w.Discard(ctx)
		require.NoError(t, err)
		if claimAll {
			require.Equal(t, staging.Discarded{Kept: 3}, d)
			require.Len(t, keysOf(t, st, artifact), 3)
		} else {
			require.Equal(t, staging.Discarded{Deleted: 1, Kept: 2, Dead: true}, d)
			require.NotContains(t, keysOf(t, st, artifact), staging.PlainKey(artifact, 0))
		}
	}
}
