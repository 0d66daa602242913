package service

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
)

type fixedKeys struct{ kr *keyring.Keyring }

func (k fixedKeys) Keyring(context.Context) (*keyring.Keyring, error) { return k.kr, nil }

// The coordinator's own operations over a real keyring and bucket: the
// key list carries no material and shows an erased tenant's key as
// destroyed; a retention plan of an empty bucket decides nothing; a
// restore in an unknown mode is refused before anything is read.
func TestBucketOpsListKeysPlanRetentionAndRefuseBadRestores(t *testing.T) {
	t.Parallel()
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	kr := keyringtest.New(t)
	_, err = kr.Rotate("casa_02")
	require.NoError(t, err)
	require.NoError(t, kr.DestroyTenant("casa_02"))
	ops := bucketOps{store: store, keys: fixedKeys{kr}, cfg: Config{Layout: backup.Layout{Prefix: "arca"}, Retention: retention.DefaultPolicy()},
		log: slog.New(slog.DiscardHandler)}

	keys, err := ops.keyVersions(t.Context())
	require.NoError(t, err)
	require.Len(t, keys, 2)
	for _, k := range keys {
		require.Equal(t, k.Tenant == "casa_02", k.Destroyed != nil, k.ID)
	}

	plan, err := ops.retentionPlan(t.Context())
	require.NoError(t, err)
	require.Empty(t, plan)
	require.False(t, ops.tasksWired())

	err = ops.restore(t.Context(), RestoreJob{BackupID: "b1", Tenant: "casa_01", Kind: "tenant", Mode: "overwrite", Report: func(string) {}})
	require.ErrorContains(t, err, `unknown mode "overwrite"`)
	err = ops.restore(t.Context(), RestoreJob{BackupID: "b1", Tenant: "casa_01", Kind: "tenant", Mode: RestoreTarget, Target: "postgres", Report: func(string) {}})
	require.ErrorContains(t, err, "want a scratch database")
}

type taskCalls struct{ got []string }

func (c *taskCalls) Drill(_ context.Context, run string) error {
	c.got = append(c.got, "drill "+run)
	return nil
}
func (c *taskCalls) BaseBackup(_ context.Context, label string) error {
	c.got = append(c.got, "base "+label)
	return nil
}
func (c *taskCalls) CheckWAL(context.Context) error { c.got = append(c.got, "wal-check"); return nil }

// Drills, base backups and WAL checks go to the packages wired in Tasks,
// and only when all three are.
func TestBucketOpsHandTasksToTheirPackages(t *testing.T) {
	t.Parallel()
	c := &taskCalls{}
	require.False(t, bucketOps{tasks: Tasks{Drills: c, Bases: c}}.tasksWired())
	ops := bucketOps{tasks: Tasks{Drills: c, Bases: c, WALChecks: c}}
	require.True(t, ops.tasksWired())
	run := RunInfo{ID: "run-1"}
	require.NoError(t, ops.drill(t.Context(), run))
	require.NoError(t, ops.base(t.Context(), run))
	require.NoError(t, ops.walCheck(t.Context(), run))
	require.Equal(t, []string{"drill run-1", "base arca run-1", "wal-check"}, c.got)
}
