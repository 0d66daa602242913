package export_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/services/exporter/internal/export"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

// TestExportReadsReplicaURLAndWaitsForASlot: the replica URL is the one read
// (here the same database), and an export waits while the source's limiter
// is full.
func TestExportReadsReplicaURLAndWaitsForASlot(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.cfg.Source.URL = "postgres://nobody@127.0.0.1:1/none" // must not be used
	b.cfg.Source.ReplicaURL = b.db.URL
	b.cfg.Limiter = source.NewLimiter(1)
	release, err := b.cfg.Limiter.Acquire(t.Context())
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err = export.Tenant(ctx, b.cfg, "beta", &bytes.Buffer{})
	require.ErrorIs(t, err, context.DeadlineExceeded)

	release()
	m, err := export.Tenant(t.Context(), b.cfg, "beta", &bytes.Buffer{})
	require.NoError(t, err)
	require.NotEmpty(t, m.Tables)
}

// TestExportStatementTimeout: a statement running past statement_timeout
// fails the export with the server's error instead of running on.
func TestExportStatementTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.cfg.Tenancy.TenantsQuery = `SELECT id, "schemaName" FROM public.tenants WHERE pg_sleep(1) IS NOT NULL`
	b.cfg.Source.StatementTimeout = 200 * time.Millisecond
	start := time.Now()
	_, err := export.Tenant(t.Context(), b.cfg, "beta", &bytes.Buffer{})
	require.ErrorContains(t, err, "statement timeout")
	require.Less(t, time.Since(start), 5*time.Second)
}

// TestExportLockTimeout: a tenant table locked by a migration fails the
// export after lock_timeout (pg_dump's --lock-wait-timeout), never a hang.
func TestExportLockTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tx, err := b.db.Pool.Begin(t.Context())
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(context.WithoutCancel(t.Context())) }()
	_, err = tx.Exec(t.Context(), "LOCK TABLE tenant_acme_1f2e.care_notes IN ACCESS EXCLUSIVE MODE")
	require.NoError(t, err)
	b.cfg.Source.LockTimeout = 300 * time.Millisecond
	start := time.Now()
	_, err = export.Tenant(t.Context(), b.cfg, "acme", &bytes.Buffer{})
	require.Error(t, err)
	require.Regexp(t, "(?i)lock", err.Error())
	require.Less(t, time.Since(start), 10*time.Second)
}
