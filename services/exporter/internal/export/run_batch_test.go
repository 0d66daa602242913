package export_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/export"
)

// addRunTenants adds n column-model tenants, each with rows like beta's and
// acme's: a foreign-key chain of seven tables (organizations ... logs, with
// a follow-up response through the self-reference), a subscription on the
// global plan and on a plan of its own, an invoice replacing another and
// their payments, a team and its members (the cycle), and reference rows
// shared with other tenants (user 1, acme's; user 4, beta's; global plan 1).
func addRunTenants(t *testing.T, b *bundle, n int) []string {
	t.Helper()
	var ids []string
	var sql strings.Builder
	for i := range n {
		id := fmt.Sprintf("run-%02d", i+1)
		ids = append(ids, id)
		k := 1000 + 100*i // this tenant's row ids
		fmt.Fprintf(&sql, `INSERT INTO public.tenants VALUES ('%[1]s', NULL, 'Casa %[1]s');
INSERT INTO public.plans VALUES (%[2]d, '%[1]s', 'Plano %[1]s');
INSERT INTO public.subscriptions VALUES (%[2]d, '%[1]s', 1, 1, 'active', ARRAY['x', NULL], '{"i": %[3]d}', '2026-07-01 00:00:00+00'),
  (%[2]d + 1, '%[1]s', %[2]d, 4, 'trial', NULL, NULL, '2026-07-02 00:00:00+00');
INSERT INTO public.invoices (id, "tenantId", subscription_id, amount, note, replaces_id) VALUES
  (%[2]d, '%[1]s', %[2]d, %[3]d.5, E'nota "%[1]s",\nlinha', NULL), (%[2]d + 1, '%[1]s', %[2]d + 1, 1, NULL, %[2]d);
INSERT INTO public.payments VALUES (%[2]d, %[2]d, 1, 'pix'), (%[2]d + 1, %[2]d + 1, 2, NULL);
INSERT INTO public.organizations VALUES (%[2]d, '%[1]s', 'Org');
INSERT INTO public.workspaces VALUES (%[2]d, %[2]d, 'ws');
INSERT INTO public.surveys VALUES (%[2]d, %[2]d, 's');
INSERT INTO public.displays VALUES (%[2]d, %[2]d);
INSERT INTO public.responses VALUES (%[2]d, %[2]d, NULL, 'sim'), (%[2]d + 1, NULL, %[2]d, 'follow-up');
INSERT INTO public.runs VALUES (%[2]d, %[2]d + 1);
INSERT INTO public.logs VALUES (%[2]d, %[2]d, 'log %[1]s');
BEGIN;
INSERT INTO public.teams VALUES (%[2]d, '%[1]s', %[2]d);
INSERT INTO public.members VALUES (%[2]d, %[2]d, %[4]d), (%[2]d + 1, %[2]d, NULL);
COMMIT;
`, id, k, i, 1+3*(i%2)) // members point at user 1 or 4
	}
	conn, err := b.db.Pool.Acquire(t.Context())
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Conn().PgConn().Exec(t.Context(), sql.String()).ReadAll()
	require.NoError(t, err)
	return ids
}

// TestRunBatchEqualsEachTenantsOwnExport: a whole run read as one batch
// (pipeline.batch_size up to the coordinator's 64: one scan of each shared
// table for every member) holds, for every member, exactly what the
// tenant's own export holds: the fixture's tenants (schema tenants,
// foreign-key chains, self-references, the cycle, shared reference rows,
// quoting) and 24 more column-model tenants with rows in every shared
// table. The batch sends the same statements whatever the number of
// column-model members: adding 24 of them adds no closure and no scan.
func TestRunBatchEqualsEachTenantsOwnExport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	fixture, err := tenancy.TenantIDs(t.Context(), b.db.URL, b.cfg.Tenancy)
	require.NoError(t, err)
	// The statements of a batch of the fixture's tenants alone.
	_, few := b.trips(t, func(cfg export.Config) {
		members := make([]export.Member, len(fixture))
		for i, id := range fixture {
			members[i] = export.Member{TenantID: id, W: new(bytes.Buffer)}
		}
		for i, r := range export.Batch(traced(t.Context()), cfg, members) {
			require.NoError(t, r.Err, fixture[i])
		}
	})

	run := append(addRunTenants(t, b, 24), fixture...)
	require.Greater(t, len(run), 16, "more than the old batch size")
	bufs := make([]bytes.Buffer, len(run))
	var got []exported
	_, all := b.trips(t, func(cfg export.Config) {
		members := make([]export.Member, len(run))
		for i, id := range run {
			members[i] = export.Member{TenantID: id, W: &bufs[i]}
		}
		res := export.Batch(traced(t.Context()), cfg, members)
		require.Len(t, res, len(run))
		for i, id := range run {
			require.NoError(t, res[i].Err, id)
			got = append(got, read(t, res[i].Manifest, bufs[i].Bytes()))
		}
	})
	require.Equal(t, few.String(), all.String(), "statements of a batch of %d and of %d tenants", len(fixture), len(run))
	for i, id := range run {
		requireSameArchive(t, b.export(t, id), got[i], "tenant "+id)
	}
	// Every new tenant has a row at the end of the chain (header, row) and
	// shared reference rows: its archive is not trivially empty.
	for i := range 24 {
		require.Len(t, got[i].table(t, "fk-owned", "public", "logs"), 2, run[i])
		require.GreaterOrEqual(t, len(got[i].table(t, "reference", "public", "users")), 3, run[i])
	}
}

// TestBatchWithCacheEqualsEachTenantsOwnExport: with the exporter's cache
// (export.Cache), a batch takes the shared schemas' DDL and the
// column-model plan the cache keeps for the catalog: the second batch of a
// run runs no pg_dump of the shared schemas (~85 requests each) and its
// archives are still each tenant's own export, byte for byte but for the
// rows' order.
func TestBatchWithCacheEqualsEachTenantsOwnExport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	run := append(addRunTenants(t, b, 4), "acme", "acme2")
	own := map[string]exported{}
	for _, id := range run {
		own[id] = b.export(t, id)
	}
	b.cfg.Cache = export.NewCache()
	batch := func(ids []string) int64 {
		bufs := make([]bytes.Buffer, len(ids))
		requests, _ := b.trips(t, func(cfg export.Config) {
			members := make([]export.Member, len(ids))
			for i, id := range ids {
				members[i] = export.Member{TenantID: id, W: &bufs[i]}
			}
			res := export.Batch(t.Context(), cfg, members)
			for i, id := range ids {
				require.NoError(t, res[i].Err, id)
				requireSameArchive(t, own[id], read(t, res[i].Manifest, bufs[i].Bytes()), "tenant "+id)
			}
		})
		return requests
	}
	// Batches of the same shape: column-model tenants and a schema
	// tenant, whose own schema pg_dump dumps each time.
	// The fingerprint covers the cluster's roles, which other tests on this
	// server create and drop at any moment: a batch that sees them change
	// misses, as it should; a few tries, each of which may hit.
	first := batch([]string{run[0], run[1], "acme"})
	var second int64
	for range cacheTries {
		if second = batch([]string{run[2], run[3], "acme2"}); second < first-100 {
			break
		}
	}
	require.Less(t, second, first-100, "the second batch dumps no shared schema: %d requests against %d", second, first)
	require.Positive(t, b.cfg.Cache.Stats().Hits)
}
