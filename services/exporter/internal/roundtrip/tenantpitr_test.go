package roundtrip_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/teststack"
)

// tablesOnly drops the sequences from a whole-database fingerprint: a
// sequence recovered from WAL is ahead of the values used (PostgreSQL logs
// sequences 32 values ahead), and a restore never moves one back.
func tablesOnly(fp map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range fp {
		if !strings.HasPrefix(v, "sequence ") {
			out[k] = v
		}
	}
	return out
}

// TestTenantPITRUndoesAMistakenDelete is the scenario of issue 18: writes to
// a tenant at known times, another tenant writing on, a mistaken DELETE of
// the tenant at T, and `restore tenant --at T-1s --replace`: the database is
// byte-identical, table by table, to what it held just before the DELETE —
// every row the tenant committed before the target is back, the other
// tenants' rows (their writes after the target included) are untouched —
// and the scratch cluster is gone. The RTO is logged.
func TestTenantPITRUndoesAMistakenDelete(t *testing.T) {
	t.Parallel()
	p := newPrimary(t, "column")
	app := p.ConnectDB(t, "app")

	var last time.Time
	for i := 1; i <= 5; i++ {
		teststack.Commit(t, app, `INSERT INTO public.notes VALUES ($1, 't1', $2)`, 100+i, "write "+strconv.Itoa(i))
		last = teststack.Commit(t, app, `UPDATE public.accounts SET balance = balance + 1 WHERE "tenantId" = 't1'`)
	}
	teststack.WaitClockPast(t, app, last.Add(2*time.Second))
	// Another tenant writes after the target: PITR must not take it back.
	teststack.Commit(t, app, `INSERT INTO public.notes VALUES (201, 't2', 'after the target')`)
	teststack.Commit(t, app, `UPDATE public.accounts SET balance = balance + 100 WHERE "tenantId" = 't2'`)
	before := everything(t, p.DBURL("app"))

	deleted := teststack.Commit(t, app, `DELETE FROM public.tenants WHERE id = 't1'`) // the mistake, at T
	var left int
	require.NoError(t, app.QueryRow(t.Context(), `SELECT count(*) FROM public.accounts WHERE "tenantId" = 't1'`).Scan(&left))
	require.Zero(t, left, "the DELETE cascaded")
	teststack.ArchiveCurrentWAL(t, app)

	at := deleted.Add(-time.Second).Truncate(time.Second) // --at T-1s, to the second
	require.False(t, at.Before(last), "every write of t1 committed before the target")
	var steps []string
	cfg := p.pitrConfig(t, columnTenancy, func(s tenantpitr.Step) {
		if s.Duration > 0 {
			steps = append(steps, fmt.Sprintf("%s %s (%s)", s.Name, s.Duration.Round(time.Millisecond), s.Detail))
		}
	})
	res, err := tenantpitr.Restore(t.Context(), cfg, tenantpitr.Request{Tenant: "t1", At: at, DB: p.DBURL("app"),
		Options: restore.Options{Mode: restore.ModeReplace, Tenancy: columnTenancy}})
	require.NoError(t, err)
	t.Logf("tenant PITR RTO %s: %s", res.RTO.Round(time.Millisecond), strings.Join(steps, "; "))

	require.Equal(t, tablesOnly(before), tablesOnly(everything(t, p.DBURL("app"))))
	require.Positive(t, res.Restore.Restored)
	require.False(t, res.RecoveredTo.After(at))
	require.False(t, res.RecoveredTo.Before(last), "recovery replayed t1's last write")
	require.True(t, res.ScratchRemoved)
	requireEmptyDir(t, cfg.TempDir)
	require.Len(t, res.Steps, 5)
}

// TestTenantPITRIsExactAtRandomTargets is the property: a tenant's writes
// at random commit times, interleaved with another tenant's, and a random
// target — a commit time itself (recovery is inclusive), a moment between
// two commits, or a whole second: the restored tenant holds exactly the
// rows committed at or before the target. ARCA_SEED replays a run.
func TestTenantPITRIsExactAtRandomTargets(t *testing.T) {
	t.Parallel()
	seed := randomSeed(t)
	rng := rand.New(rand.NewPCG(seed, 18))

	p := newPrimary(t, "column")
	app := p.ConnectDB(t, "app")
	type write struct {
		id int
		at time.Time
	}
	var writes []write
	for i := 1; i <= 12; i++ {
		// Random gaps between commits: up to 1.5 s of the server's clock.
		if rng.IntN(3) == 0 {
			teststack.WaitClockPast(t, app, serverClock(t, app).Add(time.Duration(rng.IntN(1500))*time.Millisecond))
		}
		if rng.IntN(2) == 0 {
			teststack.Commit(t, app, `INSERT INTO public.notes VALUES ($1, 't2', 'other')`, 1000+i)
		}
		at := teststack.Commit(t, app, `INSERT INTO public.notes VALUES ($1, 't1', 'mine')`, 100+i)
		writes = append(writes, write{100 + i, at})
	}
	teststack.WaitClockPast(t, app, writes[len(writes)-1].at.Add(time.Second))
	teststack.Commit(t, app, `INSERT INTO public.notes VALUES (9999, 't3', 'the commit after every target')`)
	teststack.ArchiveCurrentWAL(t, app)

	first, lastW := writes[0].at, writes[len(writes)-1].at
	targets := []time.Time{writes[rng.IntN(len(writes))].at}
	k := rng.IntN(len(writes) - 1)
	gap := writes[k+1].at.Sub(writes[k].at)
	targets = append(targets, writes[k].at.Add(time.Duration(rng.Int64N(int64(gap)))).Truncate(time.Microsecond))
	if s := first.Truncate(time.Second).Add(time.Second); s.Before(lastW) {
		n := int64(lastW.Sub(s) / time.Second)
		targets = append(targets, s.Add(time.Duration(rng.Int64N(n+1))*time.Second))
	}
	for _, target := range targets {
		var want []int
		for _, w := range writes {
			if !w.at.After(target) {
				want = append(want, w.id)
			}
		}
		db := fmt.Sprintf("pitr_%d", target.UnixMicro())
		_, err := app.Exec(t.Context(), "CREATE DATABASE "+db)
		require.NoError(t, err)
		cfg := p.pitrConfig(t, columnTenancy, nil)
		res, err := tenantpitr.Restore(t.Context(), cfg, tenantpitr.Request{Tenant: "t1", At: target, DB: p.DBURL(db),
			Options: restore.Options{Mode: restore.ModeTarget, Tenancy: columnTenancy}})
		require.NoError(t, err, "target %s (seed %d)", target.Format(time.RFC3339Nano), seed)
		t.Logf("target %s: RTO %s", target.Format(time.RFC3339Nano), res.RTO.Round(time.Millisecond))
		got := noteIDs(t, p, db)
		require.Equal(t, want, got, "target %s (seed %d)", target.Format(time.RFC3339Nano), seed)
		requireEmptyDir(t, cfg.TempDir)
	}
}

// TestTenantPITRRemovesTheScratchClusterWhenCancelled cancels the restore
// while the scratch cluster runs, and asks for a moment before every
// base backup: both fail, the live database unchanged, no scratch left.
func TestTenantPITRRemovesTheScratchClusterWhenCancelled(t *testing.T) {
	t.Parallel()
	p := newPrimary(t, "column")
	app := p.ConnectDB(t, "app")
	at := teststack.Commit(t, app, `INSERT INTO public.notes VALUES (101, 't1', 'x')`)
	teststack.WaitClockPast(t, app, at)
	teststack.Commit(t, app, `INSERT INTO public.notes VALUES (102, 't1', 'y')`)
	teststack.ArchiveCurrentWAL(t, app)
	before := everything(t, p.DBURL("app"))
	req := tenantpitr.Request{Tenant: "t1", At: at, DB: p.DBURL("app"),
		Options: restore.Options{Mode: restore.ModeReplace, Tenancy: columnTenancy}}

	// Cancelled while the scratch cluster runs (recovered, about to export).
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var cfg tenantpitr.Config
	postmaster := 0
	cfg = p.pitrConfig(t, columnTenancy, func(s tenantpitr.Step) {
		if s.Name == tenantpitr.StepExport && s.Duration == 0 {
			pidFiles, err := filepath.Glob(filepath.Join(cfg.TempDir, "arca-tenantpitr-*", "pgdata", "postmaster.pid"))
			require.NoError(t, err)
			require.Len(t, pidFiles, 1, "the scratch cluster runs")
			b, err := os.ReadFile(pidFiles[0])
			require.NoError(t, err)
			postmaster, err = strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
			require.NoError(t, err)
			cancel()
		}
	})
	res, err := tenantpitr.Restore(ctx, cfg, req)
	require.ErrorIs(t, err, context.Canceled)
	require.True(t, res.ScratchRemoved)
	requireEmptyDir(t, cfg.TempDir)
	require.Positive(t, postmaster)
	// pg_ctl stop -w returns once the pid file is gone, a moment before the
	// process itself exits.
	teststack.Eventually(t, time.Minute, func() bool { return exited(postmaster) }, "the scratch server to exit")

	cfg = p.pitrConfig(t, columnTenancy, nil)
	req.At = at.Add(-time.Hour)
	_, err = tenantpitr.Restore(t.Context(), cfg, req)
	var nc *tenantpitr.NotCoveredError
	require.True(t, errors.As(err, &nc), "%v", err)
	requireEmptyDir(t, cfg.TempDir)
	require.Equal(t, before, everything(t, p.DBURL("app")))
}

func noteIDs(t *testing.T, p *primary, db string) []int {
	t.Helper()
	conn := p.ConnectDB(t, db)
	rows, err := conn.Query(t.Context(), `SELECT id FROM public.notes WHERE "tenantId" = 't1' AND id > 100 ORDER BY id`)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	slices.Sort(ids)
	if len(ids) == 0 {
		return nil
	}
	return ids
}

func requireEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "the scratch cluster is gone")
}

// exited: no process pid, or only its zombie (PID 1 here may reap late).
func exited(pid int) bool {
	if syscall.Kill(pid, 0) == syscall.ESRCH {
		return true
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return strings.HasPrefix(rest, "Z")
}
