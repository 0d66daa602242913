package source_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/services/exporter/internal/source"
)

func TestLimiterCapsConcurrency(t *testing.T) {
	t.Parallel()
	l := source.NewLimiter(2)
	r1, err := l.Acquire(t.Context())
	require.NoError(t, err)
	r2, err := l.Acquire(t.Context())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = l.Acquire(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	r1()
	r3, err := l.Acquire(t.Context())
	require.NoError(t, err)
	r2()
	r3()
}

func TestConfigValidateReportsAll(t *testing.T) {
	t.Parallel()
	err := source.Config{ReplicaURL: "::bad", LockTimeout: -1}.Validate()
	require.ErrorContains(t, err, "url is empty")
	require.ErrorContains(t, err, "replica_url")
	require.ErrorContains(t, err, "negative")
}

// A batch weighing several exports takes several slots at once, never
// partly, and gives them all back; more than the limiter has means all.
func TestAcquireNTakesSeveralSlots(t *testing.T) {
	t.Parallel()
	l := source.NewLimiter(4)
	rel3, err := l.AcquireN(t.Context(), 3)
	require.NoError(t, err)
	rel1, err := l.Acquire(t.Context())
	require.NoError(t, err)
	short := func() context.Context {
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		t.Cleanup(cancel)
		return ctx
	}
	_, err = l.AcquireN(short(), 2)
	require.Error(t, err, "two slots while none is free")
	rel3()
	_, err = l.AcquireN(short(), 10)
	require.Error(t, err, "all four slots while one is held")
	rel2, err := l.AcquireN(short(), 3)
	require.NoError(t, err, "a failed AcquireN gave back what it had taken")
	rel1()
	rel2()
	rel4, err := l.AcquireN(short(), 10)
	require.NoError(t, err)
	rel4()
}
