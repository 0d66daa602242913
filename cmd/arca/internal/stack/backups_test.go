package stack_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
)

// backupSource is a source database listing one tenant, acme.
func backupSource(t *testing.T) *teststack.Database {
	src := teststack.NewDatabase(t)
	_, err := src.Pool.Exec(t.Context(), `CREATE TABLE public.tenants (id text PRIMARY KEY, "schemaName" text, name text);
		INSERT INTO public.tenants VALUES ('acme', NULL, 'Acme')`)
	require.NoError(t, err)
	return src
}

// "all" is every tenant of the source; one id is checked against them.
func TestTenantsOfABackupCommand(t *testing.T) {
	cfg := fileConfig(t)
	cfg.Source.URL = backupSource(t).URL
	got, err := stack.Tenants(t.Context(), cfg, "all")
	require.NoError(t, err)
	require.Equal(t, []string{"acme"}, got)
	got, err = stack.Tenants(t.Context(), cfg, "acme")
	require.NoError(t, err)
	require.Equal(t, []string{"acme"}, got)
	_, err = stack.Tenants(t.Context(), cfg, "nobody")
	require.ErrorIs(t, err, tenancy.ErrUnknownTenant)
}

// Through the catalog, a second start while the first backup is in flight
// follows it; without a catalog the job is published directly.
func TestStartBackupsThroughTheCatalogOrDirectly(t *testing.T) {
	ctx := t.Context()
	n := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	conn := &stack.Conn{NC: n.Conn, JS: n.JS}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := fileConfig(t)
	cfg.Source.URL = backupSource(t).URL
	cfg.Catalog.URL = teststack.NewDatabase(t).URL

	first, err := stack.StartBackups(ctx, cfg, conn, messages.KindTenant, []string{"acme"}, time.Now().UTC(), quiet)
	require.NoError(t, err)
	require.Len(t, first, 1)
	require.NotEmpty(t, first[0].BackupID)
	again, err := stack.StartBackups(ctx, cfg, conn, messages.KindTenant, []string{"acme"}, time.Now().UTC(), quiet)
	require.NoError(t, err)
	require.Equal(t, []stack.Queued{{Tenant: "acme", SkippedFor: first[0].BackupID}}, again)

	// arca status reads the run back from the catalog.
	cfg.NATS.URL = n.URL
	st, err := stack.ReadStatus(ctx, cfg, "", 10)
	require.NoError(t, err)
	require.NotEmpty(t, st.Runs)
	one, err := stack.ReadStatus(ctx, cfg, st.Runs[len(st.Runs)-1].ID, 0)
	require.NoError(t, err)
	require.Len(t, one.Jobs, 1)
	require.Equal(t, first[0].BackupID, one.Jobs[0].BackupID)
	store, err := stack.Store(ctx, cfg)
	require.NoError(t, err)
	rebuilt, err := stack.RebuildCatalog(ctx, cfg, backup.Repository{Store: store, Layout: stack.Layout(cfg)}, true)
	require.NoError(t, err)
	require.Zero(t, rebuilt.Backups, "an empty bucket")

	cfg.Catalog.URL = "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	direct, err := stack.StartBackups(ctx, cfg, conn, messages.KindFull, []string{""}, at, quiet)
	require.NoError(t, err)
	require.Equal(t, []stack.Queued{{BackupID: messages.BackupID(messages.KindFull, "cli-20260102T030405.000Z", "", at)}}, direct)

	s, err := n.JS.Stream(ctx, messages.StreamJobs)
	require.NoError(t, err)
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(messages.Filter(messages.SubjectExport)))
	require.NoError(t, err)
	require.EqualValues(t, 2, info.State.Msgs, "the first tenant backup and the full one")
}
