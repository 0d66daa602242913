package receive_test

import (
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore/faultproxy"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
)

// TestSurvivesRestartsWithoutAGap restarts, in turn, the receiver, the
// primary and the bucket (every S3 request reset while it is "down") while
// transactions commit, and checks that recovery from the bucket holds all
// of them: the slot kept what was not stored, and each new stream started
// where the bucket ended.
func TestSurvivesRestartsWithoutAGap(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	proxy, err := faultproxy.Start(faultproxy.Config{Target: gw.Endpoint, Decide: faultproxy.While(&down, faultproxy.Reset)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = proxy.Close() })
	viaProxy := &teststack.VersityGW{Endpoint: proxy.URL, AccessKey: gw.AccessKey, SecretKey: gw.SecretKey, Region: gw.Region, DataDir: gw.DataDir}

	p := newPrimary(t, options{})
	p.archive = pgtest.NewS3Archive(t, viaProxy)
	p.cluster.Env = p.archive.Env
	cfg := p.receiverConfig(t)
	run := start(t, cfg)
	teststack.Eventually(t, time.Minute, func() bool { return run.r.Status().Connected }, "the receiver to connect")
	p.baseBackup(t)
	p.insert(t, 1, 10)
	p.waitStored(t, run)

	// The receiver: stopped while 11..20 commit, started again.
	run.stop()
	p.insert(t, 11, 20)
	p.switchWAL(t)
	p.insert(t, 21, 25)
	run = start(t, cfg)
	p.waitStored(t, run)

	// The primary: restarted (immediate stop: a crash) on the same port.
	teststack.RunAsServer(t, exec.Command(teststack.PGBin(t, "pg_ctl"), "-D", p.cluster.Dir, "-l", p.cluster.Log, "-m", "immediate", "-w", "-t", "120", "restart"))
	p.conn = p.cluster.Connect(t)
	p.insert(t, 26, 35)
	p.waitStored(t, run)
	sessions := run.r.Status().Sessions
	require.Greater(t, sessions, 1, "the receiver reconnected")

	// The bucket: down while 36..45 commit, then back.
	down.Store(true)
	p.insert(t, 36, 45)
	teststack.Eventually(t, time.Minute, func() bool { return run.r.Status().Sessions > sessions }, "a put to fail and the stream to restart")
	down.Store(false)
	p.waitStored(t, run)

	p.cluster.Stop(t)
	run.stop()
	require.Equal(t, seq(1, 45), restoreLatest(t, p.archive))
}
