package gameday_test

import (
	"path/filepath"
	"testing"

	"github.com/arcabackup/arca/pkg/teststack"
)

// initCluster runs initdb in dir/name, with commit timestamps tracked (the
// scenarios restore to the moment of a commit), appends conf, and gives the
// server env (what wal-push and wal-fetch read).
func initCluster(t *testing.T, dir, name string, env []string, conf ...string) *teststack.PGCluster {
	t.Helper()
	c := teststack.InitPGIn(t, filepath.Join(dir, name), append([]string{"track_commit_timestamp = on"}, conf...)...)
	c.Env = env
	return c
}

// startOn starts c on port; it is stopped when the test ends.
func startOn(t *testing.T, c *teststack.PGCluster, port int) {
	t.Helper()
	c.Port = port
	c.Start(t, true)
}
