package cli_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cli"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

type checkReport struct {
	OK       bool `json:"ok"`
	Problems int  `json:"problems"`
	Checks   []struct {
		Check  string `json:"check"`
		Status string `json:"status"`
		Detail string `json:"detail"`
	} `json:"checks"`
}

func (e arcaEnv) check(t *testing.T, args ...string) (checkReport, string, error) {
	out, stderr, err := e.run(t.Context(), append([]string{"--json", "check"}, args...)...)
	var rep checkReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), "%s\n%s", out, stderr)
	return rep, out, err
}

func failures(rep checkReport) map[string]string {
	out := map[string]string{}
	for _, c := range rep.Checks {
		if c.Status == "fail" {
			out[c.Check] += c.Detail + "\n"
		}
	}
	return out
}

// arca check names every problem on a line of its own and exits 1 (2 for
// an invalid configuration): NATS not running (with the hint), a role that
// cannot read the tables, base and WAL schedules without WAL archiving;
// with arca dev running and a tenant backed up it passes, and arca info
// summarises the backup with typed JSON.
func TestCheckAndInfo(t *testing.T) {
	ctx := t.Context()
	dev := newDevEnv(t)
	env, dir, db, catalog := dev.arcaEnv, dev.dir, dev.source, dev.catalog
	config := func(source, schedules string) string {
		return fmt.Sprintf("dir: %s\nsource: {url: %q}\ncatalog: {url: %q}\nschedules: {%s}\n", dir, source, catalog.URL, schedules)
	}
	noWAL := `base: "", wal_check: ""`
	writeConfig(t, env.config, config(db.URL, noWAL))

	// An invalid configuration: every problem, exit 2.
	bad := filepath.Join(dir, "bad.yaml")
	writeConfig(t, bad, "store: {kind: s3}\nkeys: {keyring: 'vault://x'}\n")
	out, _, err := arcaEnv{t: t, config: bad, dir: dir}.run(ctx, "check")
	require.Equal(t, 2, cli.ExitCode(err))
	require.Contains(t, out, "store.s3.bucket")
	require.Contains(t, out, "keys.keyring")

	// No keyring and no NATS yet.
	rep, _, err := env.check(t)
	require.Equal(t, 1, cli.ExitCode(err))
	require.False(t, rep.OK)
	fails := failures(rep)
	require.Contains(t, fails["nats"], "is `arca dev` or the cluster running?")
	require.Contains(t, fails["keyring"], "not found")
	require.NotContains(t, fails, "source")
	require.NotContains(t, fails, "bucket")
	require.NotContains(t, fails, "archiving")

	env.start("dev")
	teststack.Eventually(t, 2*time.Minute, func() bool {
		s, err := env.status(ctx)
		return err == nil && len(s.Instances) == 1
	}, "arca dev is up")
	res, err := env.backupTenant(ctx, "acme")
	require.NoError(t, err, res.Reason)

	rep, raw, err := env.check(t)
	require.NoError(t, err, raw)
	require.True(t, rep.OK, raw)
	seen := map[string]bool{}
	for _, c := range rep.Checks {
		seen[c.Check] = true
	}
	for _, name := range []string{"config", "source", "archiving", "bucket", "keyring", "nats", "schedules", "catalog"} {
		require.True(t, seen[name], "check %s reported:\n%s", name, raw)
	}
	text, _, err := env.run(ctx, "check")
	require.NoError(t, err)
	require.Contains(t, text, "no problems")

	out, _, err = env.run(ctx, "--json", "info")
	require.NoError(t, err)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rows), out)
	require.Len(t, rows, 1, out)
	require.Equal(t, "acme", rows[0]["tenant"])
	require.Equal(t, "tenant", rows[0]["kind"])
	require.Equal(t, float64(1), rows[0]["backups"])
	require.Equal(t, float64(1), rows[0]["verified"])
	require.Equal(t, res.BackupID, rows[0]["newest_backup_id"])
	require.Equal(t, "verified", rows[0]["newest_verification"])
	_, err = time.Parse(time.RFC3339, rows[0]["newest_at"].(string))
	require.NoError(t, err)
	// Progress: plain lines on stderr when it is not a terminal, for
	// backup --wait and restore.
	_, stderr, err := env.run(ctx, "backup", "tenant", "acme", "--wait")
	require.NoError(t, err, stderr)
	require.Contains(t, stderr, ": export 1/1 parts, ")
	require.Contains(t, stderr, ": verify 1/1 parts, ")
	// status --json: the runs from the catalog, newest first; with a run
	// id, {"run", "jobs"}.
	out, _, err = env.run(ctx, "--json", "status")
	require.NoError(t, err)
	var runs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &runs), out)
	require.NotEmpty(t, runs, out)
	require.Equal(t, "tenant", runs[0]["kind"])
	out, _, err = env.run(ctx, "--json", "status", runs[0]["id"].(string))
	require.NoError(t, err)
	var run struct {
		Run  map[string]any   `json:"run"`
		Jobs []map[string]any `json:"jobs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &run), out)
	require.Equal(t, runs[0]["id"], run.Run["id"])
	require.Len(t, run.Jobs, 1, out)
	require.Equal(t, "acme", run.Jobs[0]["tenant"])
	_, stderr, err = env.run(ctx, "restore", "tenant", "--backup", res.BackupID, "--into-schema", "acme_restored")
	require.NoError(t, err, stderr)
	require.Contains(t, stderr, "restore "+res.BackupID+": part 1/")

	// list --json: typed values, newest first.
	second, err := env.backupTenant(ctx, "acme")
	require.NoError(t, err, second.Reason)
	out, _, err = env.run(ctx, "--json", "list")
	require.NoError(t, err)
	var listed []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &listed), out)
	require.Len(t, listed, 3, out)
	require.Equal(t, second.BackupID, listed[0]["backup_id"], "newest first")
	require.Equal(t, true, listed[0]["verified"])
	require.Equal(t, "verified", listed[0]["verification"])
	require.IsType(t, float64(0), listed[0]["bytes"])
	_, err = time.Parse(time.RFC3339, listed[0]["created_at"].(string))
	require.NoError(t, err)

	text, _, err = env.run(ctx, "info")
	require.NoError(t, err)
	require.Contains(t, text, second.BackupID)

	// Shell completion of backup and tenant ids; a mistyped command's
	// suggestion on one line.
	complete := func(args ...string) (string, error) {
		var out, errOut strings.Builder
		err := cli.Execute(ctx, append([]string{"__complete", "--config", env.config}, args...), &out, &errOut)
		return out.String(), err
	}
	out, err = complete("verify", "")
	require.NoError(t, err)
	require.Contains(t, out, second.BackupID+"\n")
	require.Less(t, strings.Index(out, second.BackupID), strings.Index(out, res.BackupID), "newest first")
	out, err = complete("restore", "tenant", "--tenant", "ac")
	require.NoError(t, err)
	require.Contains(t, out, "acme\n")
	out, err = complete("backup", "tenant", "")
	require.NoError(t, err)
	require.Contains(t, out, "acme\n")
	require.Contains(t, out, "all\n")
	_, _, err = env.run(ctx, "lst")
	require.Equal(t, 2, cli.ExitCode(err))
	// One line, whatever other commands cobra also suggests.
	require.Regexp(t, `^unknown command "lst" for "arca" \(did you mean list( or [a-z-]+)*\?\)$`, messages.OneLine(err))

	// A role that can read nothing, and base and WAL schedules
	// without archiving: each problem is reported.
	role := "arca_check_" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "_"))
	_, err = db.Pool.Exec(ctx, fmt.Sprintf(`DROP ROLE IF EXISTS %s; CREATE ROLE %s LOGIN`, role, role))
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = db.Pool.Exec(t.Context(), "DROP ROLE IF EXISTS "+role) })
	u, err := url.Parse(db.URL)
	require.NoError(t, err)
	u.User = url.User(role)
	writeConfig(t, env.config, config(u.String(), `base: "0 0 3 * * 0", wal_check: "0 */10 * * * *"`))
	rep, raw, err = env.check(t)
	require.Equal(t, 1, cli.ExitCode(err), raw)
	fails = failures(rep)
	require.Contains(t, fails["source"], "cannot read", raw)
	require.Regexp(t, `cannot read \d+ of \d+ tables: `, fails["source"], raw)
	require.Contains(t, fails["archiving"], "does not archive WAL", raw)
	require.Contains(t, fails["archiving"], "archive_mode=off", raw)
	require.Contains(t, fails["source"], "cannot create the scratch databases drills restore into", raw)
}

// On S3 (versitygw), arca check writes, reads, lists and deletes a probe,
// and reads versioning and Object Lock: a bucket without Object Lock while
// store.s3.object_lock asks for it is a problem; one with it passes.
func TestCheckBucketSettingsOnS3(t *testing.T) {
	gw := teststack.NewVersityGW(t)
	plain, locked := gw.NewBucket(t, false), gw.NewBucket(t, true)
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", gw.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", gw.SecretKey)
	for _, k := range []string{"ARCA_STORE_KIND", "ARCA_S3_ENDPOINT", "ARCA_S3_BUCKET", "ARCA_S3_REGION", "ARCA_STORE_PREFIX"} {
		t.Setenv(k, "")
	}
	env := arcaEnv{t: t, config: filepath.Join(dir, "arca.yaml"), dir: dir}
	bucket := func(name string) []string {
		writeConfig(t, env.config, fmt.Sprintf("dir: %s\nstore: {kind: s3, s3: {endpoint: %q, region: %q, bucket: %q, path_style: true, object_lock: GOVERNANCE}}\n",
			dir, gw.Endpoint, gw.Region, name))
		rep, raw, _ := env.check(t)
		var lines []string
		for _, c := range rep.Checks {
			if c.Check == "bucket" {
				lines = append(lines, c.Status+" "+c.Detail)
			}
		}
		require.NotEmpty(t, lines, raw)
		return lines
	}
	got := strings.Join(bucket(plain), "\n")
	require.Contains(t, got, "fail s3://"+plain)
	require.Contains(t, got, "store.s3.object_lock is GOVERNANCE but the bucket has no Object Lock")
	require.Contains(t, got, "versioning is not enabled")
	got = strings.Join(bucket(locked), "\n")
	require.NotContains(t, got, "fail")
	require.Contains(t, got, "write, read, list, delete; versioning on, Object Lock enabled")

	// Every destination is checked: a directory that is a file fails, by name.
	blocked := filepath.Join(dir, "not-a-dir")
	require.NoError(t, os.WriteFile(blocked, []byte("x"), 0o600))
	writeConfig(t, env.config, fmt.Sprintf("dir: %s\nstore: {kind: s3, s3: {endpoint: %q, region: %q, bucket: %q, path_style: true},"+
		" destinations: [{name: dr, kind: s3, s3: {endpoint: %q, region: %q, bucket: %q, path_style: true}}, {name: local, kind: fs, fs: {dir: %s}}]}\n",
		dir, gw.Endpoint, gw.Region, locked, gw.Endpoint, gw.Region, plain, blocked))
	rep, raw, _ := env.check(t)
	var lines []string
	for _, c := range rep.Checks {
		if c.Check == "bucket" {
			lines = append(lines, c.Status+" "+c.Detail)
		}
	}
	got = strings.Join(lines, "\n")
	require.Contains(t, got, "ok destination primary s3://"+locked, raw)
	require.Contains(t, got, "destination dr s3://"+plain)
	require.Contains(t, got, "fail destination local "+blocked)
}
