package gameday_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/arcabackup/arca/pkg/teststack"
)

// Scenario 3, "Perda Total do Banco" (RTO 2-4 hours in the plan): the
// primary's host is lost with its data directory while the application
// writes. `arca wal-receive` was streaming the WAL into the bucket beside
// wal-push. `arca restore pitr --latest` unpacks the newest base backup
// into a new data directory and configures recovery of every WAL segment
// and streamed chunk in the bucket; the server is started at the old
// address. The RPO is the time between the last commit the application
// was told succeeded and the newest commit that came back.
func databaseLost(t *testing.T, b *bench) result {
	recv := b.arcaBackground(t, "wal-receive", "--create-slot", "--interval", "200ms")
	teststack.Eventually(t, time.Minute, func() bool {
		var active bool
		err := b.app.QueryRow(t.Context(), `SELECT active FROM pg_replication_slots WHERE slot_type = 'physical'`).Scan(&active)
		return err == nil && active
	}, "wal-receive's slot active")

	homes := homeRows(t, b.app, "casa1") + homeRows(t, b.app, "casa2") + homeRows(t, b.app, "casa3")
	// The application: a heartbeat committed every 50 ms until the server dies.
	hb := b.primary.ConnectDB(t, "app")
	var mu sync.Mutex
	var lastID int64
	var lastAt time.Time
	ctx, stopWriter := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			var id int64
			var at time.Time
			if err := hb.QueryRow(ctx, `INSERT INTO public.heartbeat DEFAULT VALUES RETURNING id, at`).Scan(&id, &at); err != nil {
				return // the server is gone
			}
			mu.Lock()
			lastID, lastAt = id, at
			mu.Unlock()
			time.Sleep(50 * time.Millisecond)
		}
	}()
	teststack.Eventually(t, time.Minute, func() bool { mu.Lock(); defer mu.Unlock(); return lastID >= 60 }, "60 heartbeats")

	// The disaster: the server dies at once and its data directory is gone.
	b.primary.Stop(t)
	lost := time.Now()
	stopWriter()
	wg.Wait()
	if err := os.RemoveAll(b.primary.Dir); err != nil {
		t.Fatal(err)
	}
	recv.stop(t) // the receiver loses its primary; what it had is in the bucket

	start := time.Now()
	pgdata := filepath.Join(b.dir, "restored")
	b.arca(t, "wal-check")
	b.arca(t, "restore", "pitr", "--latest", "--pgdata", pgdata)
	restored := teststack.AttachPG(pgdata)
	restored.Env = b.env
	startOn(t, restored, b.primary.Port) // the old address: the application's configuration is unchanged
	app := restored.ConnectDB(t, "app")
	teststack.WaitPromoted(t, app, 5*time.Minute)
	rto := since(start)

	var gotID int64
	var gotAt time.Time
	if err := app.QueryRow(t.Context(), `SELECT id, at FROM public.heartbeat ORDER BY id DESC LIMIT 1`).Scan(&gotID, &gotAt); err != nil {
		t.Fatal(err)
	}
	rpo := time.Duration(0)
	if gotID < lastID {
		rpo = lastAt.Sub(gotAt).Round(time.Millisecond)
	}
	ok := check(t, "the homes", homes, homeRows(t, app, "casa1")+homeRows(t, app, "casa2")+homeRows(t, app, "casa3"))
	b.homes = homes
	return result{
		scenario: "3 whole database lost",
		done:     "primary killed and its data directory removed while writing; restore pitr --latest, server started at the old address",
		rto:      rto.String(),
		rpo:      fmt.Sprintf("%s (%d of %d acknowledged heartbeats back)", rpo, gotID, lastID),
		outcome:  outcome(ok, fmt.Sprintf("every home's rows back; promoted %s after the loss", since(lost))),
	}
}

// background is an arca command running until stopped.
type background struct {
	cmd  *exec.Cmd
	out  bytes.Buffer
	done chan struct{}
}

// arcaBackground starts arca with args; it is stopped when the test ends.
func (b *bench) arcaBackground(t *testing.T, args ...string) *background {
	t.Helper()
	bg := &background{cmd: exec.Command(b.bin, args...), done: make(chan struct{})}
	bg.cmd.Env = append(os.Environ(), b.env...)
	bg.cmd.Stdout, bg.cmd.Stderr = &bg.out, &bg.out
	if err := bg.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Logf("$ arca %s &", quote(args))
	go func() { _ = bg.cmd.Wait(); close(bg.done) }()
	t.Cleanup(func() { bg.stop(t) })
	return bg
}

// stop interrupts the command (as Ctrl-C) and waits for it.
func (bg *background) stop(t *testing.T) {
	select {
	case <-bg.done:
		return
	default:
	}
	_ = bg.cmd.Process.Signal(os.Interrupt)
	select {
	case <-bg.done:
	case <-time.After(30 * time.Second):
		_ = bg.cmd.Process.Kill()
		<-bg.done
	}
	t.Logf("$ arca %s stopped:\n%s", quote(bg.cmd.Args[1:]), indent(bg.out.String()))
}
