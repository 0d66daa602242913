package roundtrip_test

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore"
)

// mutateAcme changes and deletes acme's rows in every tenancy model.
const mutateAcme = `
UPDATE public.invoices SET note = 'changed', amount = 0 WHERE id = 21;
DELETE FROM public.payments WHERE id = 32;
DELETE FROM public.logs WHERE id = 102;
UPDATE public.subscriptions SET status = 'cancelled' WHERE id = 11;
DELETE FROM public.members WHERE id = 123;
UPDATE tenant_acme_1f2e.residents SET name = 'renamed' WHERE id = 2;
DELETE FROM tenant_acme_1f2e.care_notes WHERE id = 2;
SELECT nextval('tenant_acme_1f2e.record_no');
ALTER TYPE tenant_acme_1f2e.mood ADD VALUE 'elated';
DROP TRIGGER residents_touch ON tenant_acme_1f2e.residents;
`

// --replace puts acme back as it was at backup time and leaves every other
// tenant, and every other table, exactly as it was.
func TestReplaceRestoresTenantAndNothingElse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	before := everything(t, b.db.URL)
	s := b.backup(t, acme, 512<<10)
	runSQL(t, b.db, mutateAcme)
	require.NotEqual(t, before, everything(t, b.db.URL))

	res, err := restore.Tenant(t.Context(), b.db.URL, s.open(), s.m, b.keys, replaceOpts())
	require.NoError(t, err)
	require.Equal(t, "tenant_acme_1f2e", res.Schema)
	require.Positive(t, res.Deleted)
	require.Empty(t, res.Warnings)
	require.Equal(t, before, everything(t, b.db.URL))
	require.Equal(t, s.fp, selectionFingerprints(t, b.db.URL, s.am))

	// The enum, the trigger and the function came back as they were.
	var labels []string
	require.NoError(t, b.db.Pool.QueryRow(t.Context(),
		`SELECT array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = 'tenant_acme_1f2e.mood'::regtype`).Scan(&labels))
	require.Equal(t, []string{"calm", "agitated", "asleep"}, labels)
	var updated bool
	require.NoError(t, b.db.Pool.QueryRow(t.Context(),
		`UPDATE tenant_acme_1f2e.residents SET notes = 'x' WHERE id = 1 RETURNING updated_at IS NOT NULL`).Scan(&updated))
	require.True(t, updated, "residents_touch fires again")
}

// A restore that fails part-way, on a rejected row or a cancelled context
// in the middle of a COPY, leaves the database exactly as it was.
func TestReplaceInterruptedChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.backup(t, acme, 512<<10)
	runSQL(t, b.db, mutateAcme)

	t.Run("failing row", func(t *testing.T) {
		// A constraint added since the backup rejects one restored row
		// (payments are loaded after invoices, schema tables, deletes).
		runSQL(t, b.db, `ALTER TABLE public.payments ADD CONSTRAINT no_pix CHECK (memo IS DISTINCT FROM 'pix') NOT VALID`)
		defer runSQL(t, b.db, `ALTER TABLE public.payments DROP CONSTRAINT no_pix`)
		before := everything(t, b.db.URL)
		_, err := restore.Tenant(t.Context(), b.db.URL, s.open(), s.m, b.keys, replaceOpts())
		require.ErrorContains(t, err, "no_pix")
		require.Equal(t, before, everything(t, b.db.URL))
	})
	t.Run("cancelled mid-COPY", func(t *testing.T) {
		before := everything(t, b.db.URL)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		// Cancel once 60% of the object went by: inside the 3 MiB invoice note.
		obj := &cancelAfter{r: s.open(), left: len(s.obj) * 6 / 10, cancel: cancel}
		_, err := restore.Tenant(ctx, b.db.URL, obj, s.m, b.keys, replaceOpts())
		require.Error(t, err)
		require.Equal(t, before, everything(t, b.db.URL))
	})
}

// cancelAfter cancels a context once n bytes were read.
type cancelAfter struct {
	r      io.Reader
	left   int
	cancel func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.left -= n; c.left <= 0 {
		c.cancel()
	}
	return n, err
}
