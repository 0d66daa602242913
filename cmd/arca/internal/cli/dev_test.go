package cli_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cli"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// devConfig writes an arca dev configuration over a fresh source database
// and the given catalog URL.
func devConfig(t *testing.T, catalogURL string) (path, dir string) {
	t.Helper()
	dir = t.TempDir()
	db := teststack.NewDatabase(t)
	passEnv := "ARCA_TEST_PASS_" + strings.ToUpper(rand.Text()[:8])
	t.Setenv(passEnv, rand.Text())
	path = filepath.Join(dir, "arca.yaml")
	doc := fmt.Sprintf("dir: %s\nsource: {url: %q}\ncatalog: {url: %q}\nstore: {kind: fs, fs: {dir: %s}}\nkeys: {keyring: \"file:%s\", passphrase_env: %s}\n",
		dir, db.URL, catalogURL, filepath.Join(dir, "bucket"), filepath.Join(dir, "keyring.json"), passEnv)
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	return path, dir
}

// runDev runs arca dev until ctx ends and sends what it returned.
func runDev(ctx context.Context, cfgPath string, out, errOut *syncBuffer) <-chan error {
	done := make(chan error, 1)
	go func() { done <- cli.Execute(ctx, []string{"--config", cfgPath, "dev"}, out, errOut) }()
	return done
}

// A service that fails to start (the coordinator: its catalog database
// does not exist) stops every other service, and arca dev exits non-zero
// with that service's error.
func TestDevStopsEveryServiceWhenOneFailsToStart(t *testing.T) {
	u, err := url.Parse(teststack.AdminURL())
	require.NoError(t, err)
	u.Path = "/arca_missing_" + strings.ToLower(rand.Text()[:10])
	cfgPath, _ := devConfig(t, u.String())
	var out, errOut syncBuffer
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var got error
	select {
	case got = <-runDev(ctx, cfgPath, &out, &errOut):
	case <-time.After(5 * time.Minute): // generous: a loaded machine
		t.Fatalf("arca dev still running after the coordinator failed to start; output:\n%s\n%s", out.String(), errOut.String())
	}
	require.Error(t, got)
	require.NotZero(t, cli.ExitCode(got))
	require.Contains(t, got.Error(), "coordinator")
	require.Contains(t, got.Error(), "does not exist")
	require.Contains(t, out.String(), "arca dev: ready", "the stages were started before the coordinator failed")
}

// Cancelling arca dev's context (Ctrl-C) stops every service and the
// command returns nil.
func TestDevStopsEveryServiceOnCancel(t *testing.T) {
	cfgPath, dir := devConfig(t, teststack.NewDatabase(t).URL)
	var out, errOut syncBuffer
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := runDev(ctx, cfgPath, &out, &errOut)

	// Running: every stage's consumer on JOBS and the coordinator's on
	// EVENTS exist.
	var js jetstream.JetStream
	teststack.Eventually(t, 5*time.Minute, func() bool {
		select {
		case err := <-done:
			t.Fatalf("arca dev stopped by itself: %v\n%s", err, errOut.String())
		default:
		}
		if js == nil {
			b, err := os.ReadFile(filepath.Join(dir, "nats.url"))
			if err != nil {
				return false
			}
			nc, err := nats.Connect(strings.TrimSpace(string(b)))
			if err != nil {
				return false
			}
			t.Cleanup(nc.Close)
			if js, err = jetstream.New(nc); err != nil {
				return false
			}
		}
		for stream, consumers := range map[string][]string{
			messages.StreamJobs:   {messages.StageExport, messages.StageEncrypt, messages.StageUpload, messages.StageVerify},
			messages.StreamEvents: {"coordinator"},
		} {
			for _, c := range consumers {
				if _, err := js.Consumer(t.Context(), stream, c); err != nil {
					return false
				}
			}
		}
		return true
	}, "every service of arca dev running")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, errOut.String())
	case <-time.After(5 * time.Minute):
		t.Fatalf("arca dev did not return after cancellation:\n%s", errOut.String())
	}
}

// A service command exits non-zero with its service's start-up error.
func TestServiceCommandExitsWithTheStartError(t *testing.T) {
	u, err := url.Parse(teststack.AdminURL())
	require.NoError(t, err)
	u.Path = "/arca_missing_" + strings.ToLower(rand.Text()[:10])
	cfgPath, _ := devConfig(t, u.String())
	n := teststack.NewNATS(t)
	f, err := os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fmt.Fprintf(f, "nats: {url: %q}\n", n.URL)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	var out, errOut syncBuffer
	err = cli.Execute(t.Context(), []string{"--config", cfgPath, "coordinator"}, &out, &errOut)
	require.Error(t, err)
	require.NotZero(t, cli.ExitCode(err))
	require.Contains(t, err.Error(), "coordinator")
	require.Contains(t, err.Error(), "does not exist")
}
