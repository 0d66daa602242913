package roundtrip_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Every tenancy model, restored into an empty database, comes back with the
// fingerprints it had at backup time.
func TestRoundTripTargetEveryModel(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tenant := range []string{acme, beta, evil} {
		t.Run(tenant, func(t *testing.T) {
			s := b.backup(t, tenant, 256<<10)
			target := teststack.NewDatabase(t)
			res, err := restore.Tenant(t.Context(), target.URL, s.open(), s.m, b.keys,
				restore.Options{Mode: restore.ModeTarget, Tenancy: tenancyConfig})
			require.NoError(t, err)
			require.Len(t, res.Tables, len(s.am.Tables))
			require.Equal(t, s.fp, selectionFingerprints(t, target.URL, s.am))
			for _, tab := range s.am.Tables {
				require.NotZero(t, s.fp[tab.Role+" "+tab.Schema+"."+tab.Name].MD5)
			}
		})
	}
}
