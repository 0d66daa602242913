package stack_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// A tenant whose rows hold a planted marker is backed up through every
// stage on an embedded server with a file store. Afterwards no file under
// the server's store directory holds the marker: staged parts were purged
// as they moved on, and what the file store keeps of deleted messages is
// ciphertext. Without encryption at rest the same backup leaves the marker
// on disk, which shows the grep can see it.
func TestNoPlaintextPatientDataRestsInTheNATSStore(t *testing.T) {
	t.Run("encrypted", func(t *testing.T) {
		t.Parallel()
		dir, marker := backupWithMarker(t, teststack.NATSOptions{})
		require.Empty(t, filesHolding(t, dir, marker), "files under the NATS store holding the planted marker")
	})
	t.Run("plaintext store keeps the marker", func(t *testing.T) {
		t.Parallel()
		dir, marker := backupWithMarker(t, teststack.NATSOptions{Plaintext: true})
		require.NotEmpty(t, filesHolding(t, dir, marker), "without encryption at rest the file store keeps deleted parts")
	})
}

// backupWithMarker backs one tenant up through the real stages and returns
// the stopped server's store directory and the marker its rows held.
func backupWithMarker(t *testing.T, o teststack.NATSOptions) (string, string) {
	ctx := t.Context()
	marker := "RESIDENT-" + randomHex(t)
	db := teststack.NewFixtureDatabase(t)
	_, err := db.Pool.Exec(ctx, `INSERT INTO public.organizations VALUES (49, 'acme', $1)`, marker)
	require.NoError(t, err)

	nt := teststack.NewNATSWith(t, o)
	require.NoError(t, jobs.EnsureStreams(ctx, nt.JS, jobs.StreamOptions{}))
	st, err := staging.Ensure(ctx, nt.JS, staging.Options{})
	require.NoError(t, err)
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	kr := keyringtest.New(t)
	cfg := config.Default()
	cfg.Source.URL = db.URL
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	deps := stack.Deps{Cfg: cfg, Conn: &stack.Conn{NC: nt.Conn, JS: nt.JS, Staging: st}, Store: store, Keys: kr, Logger: quiet, Tool: "test"}
	wctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	stages, err := deps.Named(stack.StageServices...)
	require.NoError(t, err)
	go func() { defer wg.Done(); _ = stack.Supervise(wctx, stages...) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			wg.Wait()
		}
	}
	t.Cleanup(stop)

	at := time.Now().UTC()
	job := messages.ExportRequested{V: 1, Run: "rest", Tenant: "acme", Kind: messages.KindTenant,
		BackupID: messages.BackupID(messages.KindTenant, "rest", "acme", at), RequestedAt: at}
	require.NoError(t, jobs.NewPublisher(nt.JS).Publish(ctx, messages.ExportSubject(job.Tenant), job, messages.ExportMsgID(job.BackupID)))
	events, err := nt.JS.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{})
	require.NoError(t, err)
	for {
		msg, err := events.Next(jetstream.FetchMaxWait(2 * time.Minute))
		require.NoError(t, err, "waiting for the backup's events")
		e, err := messages.Decode[messages.Event](msg.Data())
		require.NoError(t, err)
		t.Logf("event %s %s %s", e.Stage, e.Status, e.Error)
		require.NotContains(t, []messages.Status{messages.StatusFailed, messages.StatusRetrying, messages.StatusDeadLettered}, e.Status, "%s: %s", e.Stage, e.Error)
		if e.Stage == messages.StageVerify && e.Status == messages.StatusSucceeded {
			break
		}
	}

	// Every part and the export facts left staging as they moved on.
	teststack.Eventually(t, time.Minute, func() bool {
		names, err := st.List(ctx)
		return err == nil && len(names) == 0
	}, "an empty staging bucket")

	stop()
	nt.Server.Stop() // flush and close every block before reading them
	return nt.Dir, marker
}

// inFrames says whether s is in what decompresses from a zstd frame that
// starts somewhere in b: staged parts are compressed (#17), and a file
// store without encryption keeps their frames, in chunks of 128 KiB. A
// frame is decoded as far as it goes.
func inFrames(b, s []byte) bool {
	magic := []byte{0x28, 0xb5, 0x2f, 0xfd}
	for off := 0; ; {
		i := bytes.Index(b[off:], magic)
		if i < 0 {
			return false
		}
		off += i
		d, err := zstd.NewReader(bytes.NewReader(b[off:]), zstd.WithDecoderConcurrency(1))
		if err == nil {
			var out bytes.Buffer
			_, _ = io.Copy(&out, d)
			d.Close()
			if bytes.Contains(out.Bytes(), s) {
				return true
			}
		}
		off += len(magic)
	}
}

// filesHolding lists the files under dir whose bytes contain s, as they
// are or inside a zstd frame.
func filesHolding(t *testing.T, dir, s string) []string {
	t.Helper()
	var hits []string
	files := 0
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(s)) || inFrames(b, []byte(s)) {
			hits = append(hits, path)
		}
		return nil
	}))
	require.NotZero(t, files, "the store directory holds files")
	return hits
}

func randomHex(t *testing.T) string {
	b := make([]byte, 8)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}
