package backup_test

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
)

// unlistable is a bucket that cannot be listed.
type unlistable struct{ backup.Bucket }

func (unlistable) List(context.Context, string) iter.Seq2[objstore.ObjectInfo, error] {
	return func(yield func(objstore.ObjectInfo, error) bool) {
		yield(objstore.ObjectInfo{}, errors.New("access denied"))
	}
}

// Survey sums up each destination, counts the copies a further one
// lacks, and goes on past a refused manifest and an unreadable
// destination, which it reports.
func TestSurveySumsUpEveryDestinationAndWhatItSkipped(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	primary, store := b.repoWith(t, manifest("tenant", "a", "a1"), manifest("tenant", "a", "a2"), manifest("full", "", "f1"))
	refused := b.layout.Manifest("tenant", "a", "a3")
	_, err := store.Put(t.Context(), refused, bytes.NewReader([]byte("{}")), 2)
	require.NoError(t, err)
	copyRepo, _ := b.repoWith(t, manifest("tenant", "a", "a1"))
	tenantsOnly := func(kind string) bool { return kind == "tenant" }
	got, err := backup.Survey(t.Context(), []backup.Place{
		{Name: "main", Repo: primary},
		{Name: "dr", Repo: copyRepo, Takes: tenantsOnly},
		{Name: "down", Repo: backup.Repository{Store: unlistable{}, Layout: b.layout, Keys: b.keys}, Takes: tenantsOnly},
	}, "", now)
	require.NoError(t, err)
	require.Len(t, got.Refused, 1)
	require.ErrorContains(t, got.Refused[0], refused)
	require.Len(t, got.Failed, 1)
	require.ErrorContains(t, got.Failed[0], "destination down: ")
	var rows []string
	for _, r := range got.Rows {
		rows = append(rows, r.Destination+" "+r.Kind+" "+r.Tenant)
		if r.Destination == "dr" {
			require.Equal(t, 1, r.Backups)
			require.Equal(t, 1, r.Missing, "a2; f1 is of a kind dr does not take")
		}
	}
	require.Equal(t, []string{"main tenant a", "main full ", "dr tenant a"}, rows)

	// One tenant; with one destination, a listing that fails is the error.
	got, err = backup.Survey(t.Context(), []backup.Place{{Name: "main", Repo: primary}}, "b", now)
	require.NoError(t, err)
	require.Empty(t, got.Rows)
	_, err = backup.Survey(t.Context(), []backup.Place{{Name: "down", Repo: backup.Repository{Store: unlistable{}, Layout: b.layout}}}, "", now)
	require.ErrorContains(t, err, "access denied")
}
