package cli_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/arcabackup/arca/pkg/teststack"
)

// devEnv is where an `arca dev` end-to-end test starts: a source database
// holding the fixture, an empty catalog database, a state directory with
// the configuration file in it, and none of the environment's ARCA_*
// overrides, so that the file alone configures the run (the keyring
// passphrase is the test's; metrics listen on a free port).
type devEnv struct {
	arcaEnv
	source, catalog *teststack.Database
}

// devOverrides are the ARCA_* variables a developer's shell may set that
// would point a test's arca at something else.
var devOverrides = []string{"ARCA_NATS_URL", "ARCA_KEYRING", "ARCA_KEYS_KMS", "ARCA_KEYS_AWS_ENDPOINT", "ARCA_DIR",
	"ARCA_STORE_KIND", "ARCA_STORE_DIR", "ARCA_STORE_PREFIX", "ARCA_API_ADDR", "ARCA_SOURCE_URL",
	"ARCA_CONSOLE_VIEWER_TOKEN", "ARCA_JAEGER_URL"}

func newDevEnv(t *testing.T) *devEnv {
	t.Helper()
	return newDevEnvOn(t, teststack.NewFixtureDatabase(t))
}

// newDevEnvOn is newDevEnv over a source database the test made.
func newDevEnvOn(t *testing.T, source *teststack.Database) *devEnv {
	t.Helper()
	dir := t.TempDir()
	d := &devEnv{
		arcaEnv: arcaEnv{t: t, config: filepath.Join(dir, "arca.yaml"), dir: dir},
		source:  source,
		catalog: teststack.NewDatabase(t),
	}
	t.Setenv("ARCA_KEYRING_PASSPHRASE", "test-passphrase")
	t.Setenv("ARCA_METRICS_ADDR", "127.0.0.1:0")
	for _, k := range devOverrides {
		t.Setenv(k, "")
	}
	return d
}

// configure writes the configuration file (configText).
func (d *devEnv) configure(extra string) {
	d.t.Helper()
	writeConfig(d.t, d.config, d.configText(extra))
}

// configText is a configuration: the state directory, the source and the
// catalog, then extra (YAML, ending in a newline).
func (d *devEnv) configText(extra string) string {
	return fmt.Sprintf("dir: %s\nsource: {url: %q}\ncatalog: {url: %q}\n", d.dir, d.source.URL, d.catalog.URL) + extra
}
