package stack_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/bucketinit"
)

// What the operator asks of a store that cannot do it, or of a
// destination that does not exist, is a ConfigError (the CLI's exit 2),
// not a failure of the bucket.
func TestBucketCommandsRefuseWhatTheConfigurationCannotDo(t *testing.T) {
	cfg := fileConfig(t)
	_, err := stack.Keyring(t.Context(), cfg, true)
	require.NoError(t, err)
	var ce stack.ConfigError
	_, err = stack.InitBucket(t.Context(), cfg, bucketinit.Options{}, "")
	require.True(t, errors.As(err, &ce), "%v", err)
	require.EqualError(t, err, "arca bucket init needs store.kind s3")
	conf, _ := stack.Lifecycle(cfg)
	err = stack.ApplyLifecycle(t.Context(), cfg, conf)
	require.True(t, errors.As(err, &ce), "%v", err)

	_, err = stack.Prune(t.Context(), cfg, true, "nowhere")
	require.True(t, errors.As(err, &ce), "%v", err)
	require.ErrorIs(t, err, stack.ErrNoSuchDestination)
	runs, err := stack.Prune(t.Context(), cfg, true, "")
	require.NoError(t, err)
	require.Len(t, runs, 1)
	require.True(t, runs[0].Report.DryRun)
}
