package cli_test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
)

// A tenant of about 38 MiB of hex (about 20 MiB compressed) backed up in
// 5 MiB parts (cut by compressed size): off a terminal,
// backup --wait prints a line per part per stage, each stage's bytes
// growing part by part, the part count known from the last exported part;
// and the restore a line per part read.
func TestBackupWaitPrintsPerPartProgress(t *testing.T) {
	ctx := t.Context()
	db := teststack.NewDatabase(t)
	_, err := db.Pool.Exec(ctx, `CREATE TABLE tenants (id text PRIMARY KEY, name text);
		CREATE TABLE notes (id serial PRIMARY KEY, "tenantId" text REFERENCES tenants(id), body text);
		INSERT INTO tenants VALUES ('big', 'Lar Grande'), ('small', 'Lar Pequeno');
		INSERT INTO notes ("tenantId", body) SELECT 'big', md5(g::text) || md5((-g)::text) || md5((g + 0.5)::text) || md5((g + 0.25)::text)
			|| md5((g + 0.75)::text) || md5((-g - 0.5)::text) || md5((-g - 0.25)::text) || md5((-g - 0.75)::text) FROM generate_series(1, 150000) g;
		INSERT INTO notes ("tenantId", body) VALUES ('small', 'x');`)
	require.NoError(t, err)
	catalog := teststack.NewDatabase(t)
	dir := t.TempDir()
	t.Setenv("ARCA_KEYRING_PASSPHRASE", "test-passphrase")
	t.Setenv("ARCA_METRICS_ADDR", "127.0.0.1:0")
	for _, k := range []string{"ARCA_NATS_URL", "ARCA_KEYRING", "ARCA_KEYS_KMS", "ARCA_DIR", "ARCA_STORE_KIND", "ARCA_STORE_DIR", "ARCA_STORE_PREFIX", "ARCA_API_ADDR", "ARCA_SOURCE_URL"} {
		t.Setenv(k, "")
	}
	env := arcaEnv{t: t, config: filepath.Join(dir, "arca.yaml"), dir: dir}
	writeConfig(t, env.config, fmt.Sprintf("dir: %s\nsource: {url: %q}\ncatalog: {url: %q}\npipeline: {part_size: 5MiB}\nschedules: {base: \"\", wal_check: \"\"}\n",
		dir, db.URL, catalog.URL))
	env.start("dev")
	teststack.Eventually(t, 2*time.Minute, func() bool {
		s, err := env.status(ctx)
		return err == nil && len(s.Instances) == 1
	}, "arca dev is up")

	out, stderr, err := env.run(ctx, "backup", "tenant", "big", "--wait", "--timeout", "5m")
	require.NoError(t, err, "%s\n%s", out, stderr)
	line := regexp.MustCompile(`(?m)^big (\S+): (export|encrypt|upload|verify) (\d+)/(\d+|\?) parts, ([0-9.]+ [KMG]?i?B) `)
	byStage := map[string][]float64{}
	parts := 0
	for _, m := range line.FindAllStringSubmatch(stderr, -1) {
		byStage[m[2]] = append(byStage[m[2]], mebibytes(t, m[5]))
		if m[2] == "verify" {
			parts, _ = strconv.Atoi(m[4])
		}
	}
	require.GreaterOrEqual(t, parts, 3, "a tenant of several parts:\n%s", stderr)
	for _, stage := range []string{"export", "encrypt", "upload", "verify"} {
		got := byStage[stage]
		require.Len(t, got, parts, "a line per %s part:\n%s", stage, stderr)
		for i := 1; i < len(got); i++ {
			require.Greater(t, got[i], got[i-1], "%s bytes grow part by part:\n%s", stage, stderr)
		}
	}
	require.Contains(t, stderr, ": export 3/? parts, ", "the count is not known before the last part")
	require.Contains(t, stderr, fmt.Sprintf(": verify %d/%d parts, ", parts, parts))

	id := regexp.MustCompile(`(?m)^verified\s+(\S+) big`).FindStringSubmatch(out)
	require.NotNil(t, id, out)
	_, stderr, err = env.run(ctx, "restore", "tenant", "--backup", id[1], "--into-schema", "big_restored")
	require.NoError(t, err, stderr)
	for i := 1; i <= parts; i++ {
		require.Contains(t, stderr, fmt.Sprintf("restore %s: part %d/%d, ", id[1], i, parts))
	}
}

// mebibytes reads what human prints ("12.5 MiB").
func mebibytes(t *testing.T, s string) float64 {
	t.Helper()
	num, unit, _ := strings.Cut(s, " ")
	v, err := strconv.ParseFloat(num, 64)
	require.NoError(t, err)
	switch unit {
	case "B":
		return v / (1 << 20)
	case "KiB":
		return v / 1024
	case "MiB":
		return v
	case "GiB":
		return v * 1024
	}
	t.Fatalf("unit %q", unit)
	return 0
}
