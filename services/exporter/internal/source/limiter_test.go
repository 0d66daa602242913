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
