package agent_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
)

// load is what one pgbench run under archiving measured.
type load struct {
	mode             string
	tps              string
	archived, failed int
	backlogAtEnd     int           // .ready files when pgbench ended
	drain            time.Duration // from then until none was left
	p50, p99, max    time.Duration // the whole archive_command process
	callP50, callP99 time.Duration // wal.Push, in the process or in the agent
	n                int
	viaAgent, direct int // pushes the agent stored, and pushed by walcmd itself (no agent)
}

// checkPushedThroughAgent counts the files archive_command handed to the
// agent and checks that each is in the archive under its key; a push that
// found no agent (walcmd then pushes it itself) would make the run measure
// something else, so it is counted apart.
func checkPushedThroughAgent(t testing.TB, a *pgtest.Archive) (viaAgent, direct int) {
	t.Helper()
	pushed := a.Pushed(t)
	cfg := a.Config()
	for _, path := range pushed["agent"] {
		f, err := wal.ParseName(filepath.Base(path))
		if err != nil {
			t.Fatalf("pushed %s: %v", path, err)
		}
		if _, err := a.Store.Stat(t.Context(), cfg.Key(f)); err != nil {
			t.Fatalf("%s was pushed through the agent but is not in the archive: %v", f.Name, err)
		}
	}
	return len(pushed["agent"]), len(pushed["direct"])
}

func (l load) String() string {
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	return fmt.Sprintf("%s: %s; %d files archived (%d through the agent), %d failed attempts; .ready backlog %d when pgbench ended, drained in %s; archive_command p50 %s p99 %s max %s (n=%d); of which wal.Push p50 %s p99 %s",
		l.mode, l.tps, l.archived, l.viaAgent, l.failed, l.backlogAtEnd, ms(l.drain), ms(l.p50), ms(l.p99), ms(l.max), l.n, ms(l.callP50), ms(l.callP99))
}

func readyBacklog(t testing.TB, pgdata string) int {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(pgdata, "pg_wal", "archive_status"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".ready") {
			n++
		}
	}
	return n
}

// runLoad runs pgbench for seconds against a cluster archiving with
// walcmd (archive_timeout 2s): each file pushed directly, or handed to an
// agent (started as the server's user, as arca wal-agent would run).
func runLoad(t testing.TB, withAgent bool, seconds int) load {
	t.Helper()
	a := pgtest.NewFSArchive(t)
	c := teststack.InitPG(t, a.Conf("2s")...)
	c.Env = a.Env
	l := load{mode: "direct wal-push"}
	if withAgent {
		l.mode = "wal-push through the agent"
		dir := filepath.Join(teststack.ServerDir(t), "agent")
		cmd := exec.Command(a.Bin, "agent", dir)
		cmd.Env = append(os.Environ(), a.Env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		teststack.AsServer(cmd)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			if t.Failed() {
				t.Logf("agent: %s", out.String())
			}
		})
		teststack.Eventually(t, 30*time.Second, func() bool { ok, _ := agentDial(dir); return ok }, "the agent to listen")
		c.Env = append(c.Env, "ARCA_WAL_AGENT_DIR="+dir)
	}
	c.Start(t, true)
	pgbench := teststack.PGBin(t, "pgbench")
	if out, err := exec.Command(pgbench, "-i", "-q", "-s", "5", c.ConnString()).CombinedOutput(); err != nil {
		t.Fatalf("pgbench -i: %v: %s", err, out)
	}
	out, err := exec.Command(pgbench, "-c", "4", "-j", "2", "-T", strconv.Itoa(seconds), "-n", c.ConnString()).CombinedOutput()
	if err != nil {
		t.Fatalf("pgbench: %v: %s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "tps") {
			l.tps = strings.Fields(line)[2] + " tps"
		}
	}
	l.backlogAtEnd = readyBacklog(t, c.Dir)
	ended := time.Now()
	teststack.Eventually(t, 3*time.Minute, func() bool { return readyBacklog(t, c.Dir) == 0 }, "the .ready backlog to drain")
	l.drain = time.Since(ended)
	conn := c.Connect(t)
	if err := conn.QueryRow(t.Context(), "SELECT archived_count, failed_count FROM pg_stat_archiver").Scan(&l.archived, &l.failed); err != nil {
		t.Fatal(err)
	}
	if withAgent {
		l.viaAgent, l.direct = checkPushedThroughAgent(t, a)
	}
	lat := a.Latencies(t, "push", true)
	if len(lat) == 0 {
		t.Fatal("no push recorded")
	}
	l.p50, l.p99, l.max, l.n = pgtest.Percentile(lat, 0.5), pgtest.Percentile(lat, 0.99), lat[len(lat)-1], len(lat)
	call := a.Latencies(t, "push", false)
	l.callP50, l.callP99 = pgtest.Percentile(call, 0.5), pgtest.Percentile(call, 0.99)
	return l
}

func loadSeconds(def int) int {
	if v, err := strconv.Atoi(os.Getenv("ARCA_WAL_LOAD_SECONDS")); err == nil && v > 0 {
		return v
	}
	return def
}

// TestAgentKeepsUpUnderPgbench archives through the agent under pgbench:
// the backlog drains and no attempt fails. Latencies are logged, not
// asserted (BenchmarkArchiveCommand measures them).
func TestAgentKeepsUpUnderPgbench(t *testing.T) {
	t.Parallel()
	l := runLoad(t, true, loadSeconds(10))
	t.Log(l)
	if l.failed != 0 {
		t.Fatalf("%d failed archive attempts", l.failed)
	}
	// The agent did the archiving: every file archived went through it
	// (and is in the archive, checked by runLoad), none around it.
	if l.viaAgent == 0 || l.direct != 0 || l.viaAgent < l.archived {
		t.Fatalf("%d files pushed through the agent and %d directly, for %d archived: the agent did not archive them all", l.viaAgent, l.direct, l.archived)
	}
}

// BenchmarkArchiveCommand measures archive_command's whole-process latency
// under pgbench, direct wal-push and through the agent, in the same run:
//
//	go test ./pkg/wal/agent -run '^$' -bench ArchiveCommand -benchtime 1x
//
// ARCA_WAL_LOAD_SECONDS sets each pgbench run's length (30 s).
func BenchmarkArchiveCommand(b *testing.B) {
	seconds := loadSeconds(30)
	for b.Loop() {
		direct := runLoad(b, false, seconds)
		viaAgent := runLoad(b, true, seconds)
		b.Log(direct)
		b.Log(viaAgent)
		b.ReportMetric(float64(direct.p99.Milliseconds()), "direct-p99-ms")
		b.ReportMetric(float64(viaAgent.p99.Milliseconds()), "agent-p99-ms")
		b.ReportMetric(float64(direct.p50.Milliseconds()), "direct-p50-ms")
		b.ReportMetric(float64(viaAgent.p50.Milliseconds()), "agent-p50-ms")
	}
}
