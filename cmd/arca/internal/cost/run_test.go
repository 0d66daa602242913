package cost_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cost"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/retention"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// Run takes the catalog when one is configured and the bucket otherwise,
// reads only the source it uses, and says in a note which it was.
func TestRunChoosesItsSource(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	now := time.Now().UTC().Add(time.Minute) // after the objects written below
	layout := backup.Layout{Prefix: "arca"}
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	_, err = store.Put(ctx, "arca/wal/00000001/000000010000000000000001", bytes.NewReader(make([]byte, 1<<10)), 1<<10)
	require.NoError(t, err)
	committed := now.Add(-time.Hour)
	rows := []coordinator.Backup{
		{BackupID: "b1", Tenant: "acme", Kind: "tenant", State: coordinator.JobVerified, CommittedAt: &committed, Bytes: 4 << 10},
		{BackupID: "b2", Tenant: "acme", Kind: "tenant", State: "running"}, // not committed: not stored
	}
	opened := map[string]int{}
	o := cost.Options{Layout: layout, Policy: retention.DefaultPolicy(), Prices: cost.DefaultPrices(), Now: now,
		Classes: cost.Classes{Uploader: map[string]string{"tenant": "STANDARD_IA"}},
		Catalog: func(context.Context) ([]coordinator.Backup, error) { opened["catalog"]++; return rows, nil },
		Bucket:  func(context.Context) (cost.Lister, error) { opened["bucket"]++; return store, nil },
	}

	rep, err := cost.Run(ctx, o)
	require.NoError(t, err)
	require.Equal(t, cost.FromCatalog, rep.Source)
	require.Equal(t, map[string]int{"catalog": 1}, opened, "the bucket is not read")
	require.EqualValues(t, 4<<10, rep.Total.Bytes)
	require.Len(t, rep.Lines, 1, "one backup, committed")
	require.Contains(t, rep.Notes[len(rep.Notes)-1], "WAL is not in the catalog")

	o.Catalog = nil // no catalog configured: the bucket
	rep, err = cost.Run(ctx, o)
	require.NoError(t, err)
	require.Equal(t, cost.FromBucket, rep.Source)
	require.EqualValues(t, 1<<10, rep.ByKind["wal"].Bytes)
	require.Contains(t, rep.Notes[len(rep.Notes)-1], "from the bucket listing")

	_, err = cost.Run(ctx, cost.Options{From: "ledger"})
	require.ErrorIs(t, err, cost.ErrUnknownSource)
	require.EqualError(t, err, `--from "ledger": want catalog or bucket`)
	_, err = cost.Run(ctx, cost.Options{From: cost.FromCatalog})
	require.ErrorContains(t, err, "no catalog configured")

	boom := errors.New("catalog down")
	_, err = cost.Run(ctx, cost.Options{Catalog: func(context.Context) ([]coordinator.Backup, error) { return nil, boom }})
	require.ErrorIs(t, err, boom)
}
