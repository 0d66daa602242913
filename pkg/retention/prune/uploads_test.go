package prune_test

import (
	"context"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/retention"
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
			Key: stale, UploadID: staleID, Initiated: rep.Uploads[0].Initiated, Reason: prune.ReasonStale, Outcome: prune.Aborted,
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

// A fresh upload on a backup that is already committed belongs to an
// attempt the commit superseded: a dry run reports it and a real run aborts
// it at once, whatever its age. An upload of a backup still in progress is
// left alone and counted.
func TestRunAbortsUploadsOfCommittedBackupsAndTheDryRunSaysSo(t *testing.T) {
	t.Parallel()
	eachStore(t, false, func(t *testing.T, s objstore.Store) {
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "done-1", age: time.Hour, verification: retention.Verified})
		orphan := layout.Data("tenant", "acme", "done-1")
		orphanID, err := s.CreateMultipart(t.Context(), orphan)
		require.NoError(t, err)
		_, err = s.CreateMultipart(t.Context(), layout.Data("tenant", "acme", "running-1"))
		require.NoError(t, err)

		dry, err := newPruner(t, s).Run(t.Context(), true)
		require.NoError(t, err)
		require.Len(t, dry.Uploads, 1)
		require.Equal(t, orphan, dry.Uploads[0].Key)
		require.Equal(t, prune.WouldAbort, dry.Uploads[0].Outcome)
		require.Equal(t, prune.ReasonSuperseded, dry.Uploads[0].Reason)
		require.Equal(t, 1, dry.UploadsKept)
		require.Len(t, collectUploads(t, s), 2, "a dry run aborts nothing")

		rep, err := newPruner(t, s).Run(t.Context(), false)
		require.NoError(t, err)
		require.Len(t, rep.Uploads, 1)
		require.Equal(t, orphanID, rep.Uploads[0].UploadID)
		require.Equal(t, prune.Aborted, rep.Uploads[0].Outcome)
		left := collectUploads(t, s)
		require.Len(t, left, 1)
		require.Equal(t, layout.Data("tenant", "acme", "running-1"), left[0].Key)
	})
}
