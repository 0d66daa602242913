package prune_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/prune"
)

func TestRunReportsBackupsRefusedByObjectLock(t *testing.T) {
	t.Parallel()
	eachStore(t, true, func(t *testing.T, s objstore.Store) {
		until := time.Now().Add(time.Hour)
		compliance := objstore.WithObjectLock(objstore.LockCompliance, until)
		governance := objstore.WithObjectLock(objstore.LockGovernance, until)
		for _, f := range []fake{
			{kind: "tenant", tenant: "acme", id: "current", age: day, verification: retention.Verified},
			// As the uploader writes them: artifact and manifest retained.
			{kind: "tenant", tenant: "acme", id: "compliance", age: 300 * day, verification: retention.Verified,
				dataOpts: []objstore.Option{compliance}, manifestOpts: []objstore.Option{compliance}},
			// Only the manifest retained: the server refuses the delete.
			{kind: "tenant", tenant: "acme", id: "governance", age: 250 * day, verification: retention.Verified,
				manifestOpts: []objstore.Option{governance}},
			// An operator's legal hold on the artifact alone.
			{kind: "tenant", tenant: "acme", id: "held", age: 200 * day, verification: retention.Verified,
				dataOpts: []objstore.Option{objstore.WithLegalHold()}},
			{kind: "tenant", tenant: "acme", id: "unlocked", age: 150 * day, verification: retention.Verified},
		} {
			put(t, s, f)
		}
		// The server itself refuses.
		require.ErrorIs(t, s.Delete(t.Context(), layout.Manifest("tenant", "acme", "compliance")), objstore.ErrLocked)

		rep, err := newPruner(t, s).Run(t.Context(), false)
		require.NoError(t, err, "a locked backup is reported, not a failure of the run")
		require.Equal(t, map[string]prune.Outcome{
			"compliance": prune.Locked, "governance": prune.Locked, "held": prune.Locked, "unlocked": prune.Deleted,
		}, outcomes(rep))
		require.Equal(t, 3, rep.Locked)
		require.Equal(t, 1, rep.Deleted)
		require.Zero(t, rep.Failed)
		for _, d := range rep.Deletions {
			switch d.BackupID {
			case "compliance":
				require.Equal(t, objstore.LockCompliance, d.Lock.Mode)
				require.Contains(t, d.Error, "COMPLIANCE retention until")
			case "governance":
				require.Equal(t, objstore.LockGovernance, d.Lock.Mode)
				require.Contains(t, d.Error, "manifest.json locked")
			case "held":
				require.True(t, d.Lock.LegalHold)
			}
		}
		// Locked backups stay whole, manifest and artifact.
		require.ElementsMatch(t, []string{"current", "compliance", "governance", "held"}, backupIDs(t, s))
		for _, id := range []string{"compliance", "governance", "held"} {
			_, err := s.Stat(t.Context(), layout.Data("tenant", "acme", id))
			require.NoError(t, err, id)
		}

		// A dry run predicts the refusals.
		rep, err = newPruner(t, s).Run(t.Context(), true)
		require.NoError(t, err)
		require.Equal(t, map[string]prune.Outcome{
			"compliance": prune.Locked, "governance": prune.Locked, "held": prune.Locked,
		}, outcomes(rep))
	})
}
