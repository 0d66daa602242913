// Package configtest gives the commands' tests a configuration that needs
// no service: a filesystem bucket and a keyring file in a temporary
// directory, and no NATS.
package configtest

import (
	"path/filepath"
	"testing"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
)

// Local is the default configuration with its directory, its keyring file
// and its filesystem bucket (dir/bucket) in a temporary directory, and no
// NATS (ARCA_NATS_URL empty); the keyring's passphrase is in
// ARCA_KEYRING_PASSPHRASE for the test.
func Local(t *testing.T) config.Config {
	t.Helper()
	t.Setenv("ARCA_KEYRING_PASSPHRASE", "test-passphrase")
	t.Setenv("ARCA_NATS_URL", "")
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Dir = dir
	cfg.Keys.Keyring = "file:" + filepath.Join(dir, "keyring.json")
	cfg.Store.Kind, cfg.Store.FS.Dir = "fs", filepath.Join(dir, "bucket")
	return cfg
}
