package prune_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/prune"
)

// Each destination is pruned with its own policy, the WAL archive only
// where it is given; a refused configuration stops the run and names its
// destination.
func TestRunEachPrunesEveryDestinationWithItsOwnPolicy(t *testing.T) {
	t.Parallel()
	primary, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	offsite, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	for _, s := range []objstore.Store{primary, offsite} {
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "a-200", age: 200 * day, verification: retention.Verified})
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "a-20", age: 20 * day, verification: retention.Verified})
		put(t, s, fake{kind: "tenant", tenant: "acme", id: "a-1", age: day, verification: retention.Verified})
		put(t, s, fake{kind: "base", id: "b-1", age: day, verification: retention.Verified})
	}
	short := retention.DefaultPolicy()
	short.Kinds["tenant"] = retention.KindPolicy{KeepDays: 10}
	wal := &walRecorder{}
	base := prune.Config{Layout: layout, Keys: testKeys}
	reps, err := prune.RunEach(t.Context(), base, []prune.Destination{
		{Name: "primary", Store: primary, Policy: retention.DefaultPolicy(), WAL: wal},
		{Name: "offsite", Store: offsite, Policy: short},
	}, false)
	require.NoError(t, err)
	require.Len(t, reps, 2)
	require.Equal(t, "primary", reps[0].Destination)
	require.Equal(t, map[string]prune.Outcome{"a-200": prune.Deleted}, outcomes(reps[0].Report))
	require.NotNil(t, reps[0].Report.WAL, "the WAL archive goes with the primary")
	require.Equal(t, "offsite", reps[1].Destination)
	require.Equal(t, map[string]prune.Outcome{"a-200": prune.Deleted, "a-20": prune.Deleted}, outcomes(reps[1].Report))
	require.Nil(t, reps[1].Report.WAL)
	require.ElementsMatch(t, []string{"a-1", "b-1"}, backupIDs(t, offsite))

	reps, err = prune.RunEach(t.Context(), base, []prune.Destination{
		{Name: "primary", Store: primary, Policy: retention.DefaultPolicy()},
		{Name: "broken", Store: offsite, Policy: retention.Policy{Kinds: map[string]retention.KindPolicy{"tenant": {}}}},
	}, true)
	var cerr *prune.ConfigError
	require.True(t, errors.As(err, &cerr), "%v", err)
	require.Equal(t, "broken", cerr.Destination)
	require.ErrorContains(t, err, "destination broken: prune config:")
	require.Len(t, reps, 1, "the destinations before it ran")
}
