package stack_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/embednats"
	"github.com/arcabackup/arca/pkg/staging"
)

// arca dev encrypts its store with ARCA_NATS_STORE_KEY when set; otherwise
// it generates a key once, keeps it beside the store (owner-only), and
// reuses it on every later start.
func TestDevStoreKeyComesFromTheEnvironmentOrTheStateDirectory(t *testing.T) {
	cfg := config.Default()
	cfg.Dir = filepath.Join(t.TempDir(), "state")

	t.Setenv(stack.StoreKeyEnv, "")
	k1, err := stack.StoreKey(cfg)
	require.NoError(t, err)
	require.Len(t, k1, 64)
	fi, err := os.Stat(filepath.Join(cfg.Dir, "nats.key"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	k2, err := stack.StoreKey(cfg)
	require.NoError(t, err)
	require.Equal(t, k1, k2, "the kept key is reused")

	t.Setenv(stack.StoreKeyEnv, "operator-supplied-key-0123456789")
	k3, err := stack.StoreKey(cfg)
	require.NoError(t, err)
	require.Equal(t, "operator-supplied-key-0123456789", k3)

	s, err := stack.Embedded(cfg)
	require.NoError(t, err)
	s.Stop()
}

// A NATS URL's password never reaches an error: not when the server is
// unreachable, not when the URL does not parse.
func TestNATSConnectionErrorsHideThePassword(t *testing.T) {
	free, err := embednats.FreePort("127.0.0.1")
	require.NoError(t, err)
	for _, u := range []string{
		fmt.Sprintf("nats://exporter:s3cret-pw@127.0.0.1:%d", free),
		fmt.Sprintf("nats://exporter:s3cret-pw@127.0.0.1:%d,nats://exporter:s3cret-pw@127.0.0.1:%d", free, free),
		"nats://exporter:s3cret-pw@127.0.0.1:42x2",
		fmt.Sprintf("nats://s3cret-pw@127.0.0.1:%d", free),
	} {
		cfg := config.Default()
		cfg.NATS.URL = u
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		_, err := stack.Connect(ctx, cfg, "test")
		cancel()
		require.Error(t, err, u)
		require.NotContains(t, err.Error(), "s3cret", u)
		require.Contains(t, err.Error(), "xxxxx", u)
	}
}

// arca dev caps its embedded server's store (DevMaxStore) and makes the
// staging buckets without MaxBytes, which would size their file blocks at
// 8 MiB (decision 43); a configured nats.url keeps the buckets' own cap.
func TestDevCapsStagingWithTheServerStoreNotTheBuckets(t *testing.T) {
	cfg := config.Default()
	cfg.Dir = filepath.Join(t.TempDir(), "state")
	t.Setenv(stack.StoreKeyEnv, "")
	s, err := stack.Embedded(cfg)
	require.NoError(t, err)
	defer s.Stop()
	require.Equal(t, int64(stack.DevMaxStore), s.JetStreamConfig().MaxStore)
	require.Equal(t, int64(16<<30), int64(stack.DevMaxStore), "at least the two buckets' former caps")

	c, err := stack.Connect(t.Context(), cfg, "exporter")
	require.NoError(t, err)
	defer c.Close()
	for _, b := range []string{staging.PlainBucket, staging.Bucket} {
		st, err := c.JS.Stream(t.Context(), "OBJ_"+b)
		require.NoError(t, err)
		require.Equal(t, int64(-1), st.CachedInfo().Config.MaxBytes, b)
	}

	cfg.NATS.URL = s.URL()
	require.Equal(t, int64(0), stack.StagingOptions(cfg).MaxBytes, "an external server: staging's default cap")
}
