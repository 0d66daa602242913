package prune_test

import (
	"context"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/retention/prune"
)

// agedStore reports the uploads whose key contains "stale" as initiated
// ten days earlier than they were; aborting goes to the real store.
type agedStore struct{ objstore.Store }

func (s agedStore) ListMultipartUploads(ctx context.Context, prefix string) iter.Seq2[objstore.Upload, error] {
	return func(yield func(objstore.Upload, error) bool) {
		for u, err := range s.Store.ListMultipartUploads(ctx, prefix) {
			if strings.Contains(u.Key, "stale") {
				u.Initiated = u.Initiated.Add(-10 * day)
			}
			if !yield(u, err) {
				return
			}
		}
	}
}

func collectUploads(t *testing.T, s objstore.Store) []objstore.Upload {
	t.Helper()
	var out []objstore.Upload
	for u, err := range s.ListMultipartUploads(t.Context(), "") {
		require.NoError(t, err)
		out = append(out, u)
	}
	return out
}

func TestRunAbortsStaleMultipartUploads(t *testing.T) {
	t.Parallel()
	eachStore(t, false, func(t *testing.T, s objstore.Store) {
		stale := layout.Data("tenant", "acme", "stale-1")
		fresh := layout.Data("tenant", "acme", "fresh-1")
		staleID, err := s.CreateMultipart(t.Context(), stale)
		require.NoError(t, err)
		_, err = s.CreateMultipart(t.Context(), fresh)
		require.NoError(t, err)
		// Outside the layout's prefix: not ours.
		_, err = s.CreateMultipart(t.Context(), "other/stale-2")
		require.NoError(t, err)

		rep, err := newPruner(t, agedStore{s}).Run(t.Context(), false)
		require.NoError(t, err)
		require.Equal(t, []prune.StaleUpload{{
			Key: stale, UploadID: staleID, Initiated: rep.Uploads[0].Initiated, Outcome: prune.Aborted,
		}}, rep.Uploads)
		require.Less(t, rep.Uploads[0].Initiated, time.Now().Add(-prune.DefaultStaleUploadAge))
		require.Equal(t, 1, rep.UploadsKept)

		var left []string
		for _, u := range collectUploads(t, s) {
			left = append(left, u.Key)
		}
		require.ElementsMatch(t, []string{fresh, "other/stale-2"}, left)
	})
}
