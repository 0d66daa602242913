package drill_test

import (
	"context"
	"os/exec"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/restore/drill"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/teststack"
)

type fixedKeys struct{ kr *keyring.Keyring }

func (k fixedKeys) Keyring(context.Context) (*keyring.Keyring, error) { return k.kr, nil }

// events records what a drill publishes.
type events struct {
	mu  sync.Mutex
	got []messages.Event
}

func (e *events) Event(_ context.Context, ev messages.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, ev)
	return nil
}

func TestScheduledDrillDrawsTenantsFromTheSourceAndPublishesEveryOutcome(t *testing.T) {
	t.Parallel()
	repo := fullBucket(t)
	src := teststack.NewDatabase(t)
	conn, err := pgx.Connect(t.Context(), src.URL)
	require.NoError(t, err)
	_, err = conn.Exec(t.Context(), `CREATE TABLE public.tenants (id text); INSERT INTO public.tenants VALUES ('casa_01'), ('casa_02'), ('casa_03')`)
	require.NoError(t, err)
	require.NoError(t, conn.Close(context.Background()))
	dump, err := exec.CommandContext(t.Context(), teststack.PGBin(t, "pg_dump"), "--format=custom", "--dbname="+src.URL).Output()
	require.NoError(t, err)
	commitFull(t, repo, "20261128T020000Z-full", dump)

	pub := &events{}
	s := drill.Scheduled{Store: repo.Store, Layout: repo.Layout, Keys: fixedKeys{repo.Keys.(*keyring.Keyring)},
		SourceURL: src.URL, Sample: 2, PGRestore: teststack.PGBin(t, "pg_restore"), Events: pub}
	require.NoError(t, s.Drill(t.Context(), "run-7"), "failed restores are recorded as events, not a failed run")

	// The full dump's event first, then the two sampled tenants' (no
	// tenant backup exists, so both fail), then the run's.
	require.Len(t, pub.got, 4)
	require.Equal(t, messages.KindFull, pub.got[0].Kind)
	require.Equal(t, messages.StatusSucceeded, pub.got[0].Status)
	for _, ev := range pub.got[1:3] {
		require.Contains(t, []string{"casa_01", "casa_02", "casa_03"}, ev.Tenant)
		require.Equal(t, messages.StatusFailed, ev.Status)
		require.Contains(t, ev.Error, "find newest backup")
	}
	require.Empty(t, pub.got[3].Tenant)
	require.Equal(t, messages.StatusFailed, pub.got[3].Status)
	for _, ev := range pub.got {
		require.Equal(t, "run-7", ev.Run)
		require.Equal(t, messages.StageDrill, ev.Stage)
	}

	s.SourceURL = src.URL + "&sslmode=bogus"
	require.ErrorContains(t, s.Drill(t.Context(), "run-8"), "list tenants")
}
