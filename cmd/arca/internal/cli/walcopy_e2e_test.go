package cli_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/teststack"
)

// A cluster archives with arca wal-push into versitygw (the primary) and
// takes its base backup with arca backup base; another bucket ("dr", base
// backups only) is the second destination. Every segment and the base
// backup reach dr as they are written. With the primary's bucket emptied,
// restore pitr recovers to a commit's time from dr alone (base backup and
// WAL, wal-fetch falling back segment by segment), and arca copy
// --archive puts the archive back into the primary.
func TestPITRRestoresFromTheSecondDestinationWhenThePrimaryIsEmpty(t *testing.T) {
	t.Parallel()
	dir := teststack.ServerDir(t)
	bin := filepath.Join(dir, "arca")
	build := exec.Command("go", "build", "-o", bin, "github.com/arcabackup/arca/cmd/arca")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "build arca: %s", out)

	bucket, drBucket := gw.NewBucket(t, false), gw.NewBucket(t, false)
	cfgPath := filepath.Join(dir, "arca.yaml")
	env := []string{"ARCA_CONFIG=" + cfgPath, "WALCOPY_PASSPHRASE=" + rand.Text(),
		"WALCOPY_S3_ACCESS=" + gw.AccessKey, "WALCOPY_S3_SECRET=" + gw.SecretKey}
	for _, k := range []string{"ARCA_NATS_URL", "ARCA_KEYRING", "ARCA_DIR", "ARCA_STORE_KIND", "ARCA_STORE_DIR", "ARCA_STORE_PREFIX", "ARCA_WAL_AGENT_DIR"} {
		env = append(env, k+"=")
	}
	c := teststack.InitPGIn(t, filepath.Join(dir, "primary"), "track_commit_timestamp = on", "wal_level = replica",
		"archive_mode = on", "archive_timeout = '2s'", fmt.Sprintf("archive_command = '%s wal-push %%p'", bin))
	c.Env = env
	c.Port = teststack.FreePort(t)
	require.NoError(t, os.WriteFile(cfgPath, []byte(fmt.Sprintf(`dir: %s
source: {url: "postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable"}
keys: {keyring: "file:%s", passphrase_env: WALCOPY_PASSPHRASE}
store: {kind: s3, name: sp, prefix: prod, s3: {endpoint: %q, region: %q, bucket: %q, path_style: true, access_key_env: WALCOPY_S3_ACCESS, secret_key_env: WALCOPY_S3_SECRET},
  destinations: [{name: dr, kind: s3, s3: {endpoint: %q, region: %q, bucket: %q, path_style: true, access_key_env: WALCOPY_S3_ACCESS, secret_key_env: WALCOPY_S3_SECRET}, kinds: [base]}]}
`, filepath.Join(dir, "state"), c.Port, filepath.Join(dir, "keyring.json"), gw.Endpoint, gw.Region, bucket, gw.Endpoint, gw.Region, drBucket)), 0o600))
	arca := func(args ...string) (string, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(t.Context(), bin, args...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run(), "arca %s: %s%s", strings.Join(args, " "), stdout.String(), stderr.String())
		return stdout.String(), stderr.String()
	}
	arca("keys", "init")
	teststack.OwnByServer(t, dir)
	c.Start(t, true)
	conn := c.Connect(t)
	_, err = conn.Exec(t.Context(), "CREATE TABLE note (id int PRIMARY KEY)")
	require.NoError(t, err)
	arca("backup", "base", "--fast-checkpoint")

	kept := teststack.Commit(t, conn, "INSERT INTO note VALUES (1)")
	teststack.WaitClockPast(t, conn, kept.Add(time.Second))
	teststack.Commit(t, conn, "INSERT INTO note VALUES (2)")
	teststack.ArchiveCurrentWAL(t, conn)

	// The primary's bucket is emptied.
	primary, err := s3store.New(t.Context(), s3store.Config{Endpoint: gw.Endpoint, Region: gw.Region, Bucket: bucket,
		PathStyle: true, AccessKey: gw.AccessKey, SecretKey: gw.SecretKey})
	require.NoError(t, err)
	var n int
	for o, err := range primary.List(t.Context(), "prod/") {
		require.NoError(t, err)
		require.NoError(t, primary.Delete(t.Context(), o.Key))
		n++
	}
	require.Greater(t, n, 3, "a base backup and segments were in the primary")

	pgdata := filepath.Join(dir, "restored")
	stdout, stderr := arca("restore", "pitr", "--target-time", kept.UTC().Format(time.RFC3339Nano), "--pgdata", pgdata)
	require.Contains(t, stdout, "restored base backup")
	require.Contains(t, stdout, "start it with: pg_ctl -D "+pgdata+" start", "without --start, the way to start it")
	require.Contains(t, stderr, "from destination dr")
	teststack.OwnByServer(t, pgdata)
	r := teststack.AttachPG(pgdata)
	r.Env = env
	r.Port = teststack.FreePort(t)
	r.Start(t, true)
	rconn := r.Connect(t)
	teststack.Eventually(t, 5*time.Minute, func() bool {
		var inRecovery bool
		return rconn.QueryRow(t.Context(), "SELECT pg_is_in_recovery()").Scan(&inRecovery) == nil && !inRecovery
	}, "recovery to end and the server to promote")
	rows, err := rconn.Query(t.Context(), "SELECT id FROM note ORDER BY id")
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	require.Equal(t, []int{1}, ids, "exactly the rows committed by the target, from dr alone")

	// The operator puts the archive back into the primary from dr.
	stdout, _ = arca("copy", "--archive", "--to", "sp")
	require.Regexp(t, `copied \d+ objects`, stdout)
	var back int
	for _, err := range primary.List(t.Context(), "prod/") {
		require.NoError(t, err)
		back++
	}
	require.Equal(t, n, back, "every object the primary lost")
}
