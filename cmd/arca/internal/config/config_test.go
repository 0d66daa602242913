package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	require.NoError(t, os.WriteFile(path, []byte("store: {kind: s3}\nkeys: {keyring: 'kms://x'}\npipeline: {part_size: 1MiB}\nschedules: {timezone: Mars/Olympus}\n"), 0o600))
	_, err := Load(path, func(string) string { return "" })
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"store.s3.bucket", "keys.keyring", "5 MiB", "Mars/Olympus"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
}

// sourceAndDirEnv is an environment that sets ARCA_SOURCE_URL and ARCA_DIR.
func sourceAndDirEnv(k string) string {
	return map[string]string{"ARCA_SOURCE_URL": "postgres://env@db/app", "ARCA_DIR": "/var/lib/arca"}[k]
}

func TestLoadRefusesUnknownFieldsAndAppliesEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	require.NoError(t, os.WriteFile(path, []byte("source: {urll: x}\n"), 0o600))
	if _, err := Load(path, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "urll") {
		t.Fatalf("unknown field not refused: %v", err)
	}
	require.NoError(t, os.WriteFile(path, []byte("retention: {tenant_export: 45d}\npipeline: {part_size: 64MiB}\n"), 0o600))
	cfg, err := Load(path, sourceAndDirEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source.URL != "postgres://env@db/app" || time.Duration(cfg.Retention.TenantExport) != 45*24*time.Hour || cfg.Pipeline.PartSize != 64<<20 {
		t.Fatalf("got %+v", cfg)
	}
}

// A configuration file that does not say where the filesystem bucket is
// (cut short, say, before its store section) is refused instead of backing
// up into ./.arca/bucket under whatever directory arca runs from.
func TestLoadRefusesAFileThatDoesNotNameTheBucket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	noEnv := func(string) string { return "" }
	require.NoError(t, os.WriteFile(path, []byte("source:\n  url: postgres://db/app\nretention:\n  tenant_export: 45d\n"), 0o600))
	if _, err := Load(path, noEnv); err == nil || !strings.Contains(err.Error(), "store.fs.dir") {
		t.Fatalf("a file without the bucket's location was accepted: %v", err)
	}
	for _, doc := range []string{
		"store: {kind: fs, fs: {dir: /srv/arca/bucket}}\n",
		"dir: /var/lib/arca\n",
	} {
		require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
		if _, err := Load(path, noEnv); err != nil {
			t.Errorf("%q: %v", doc, err)
		}
	}
	if _, err := Load("", noEnv); err != nil {
		t.Errorf("no file, the embedded default: %v", err)
	}
}

func TestLoadTenancy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`tenancy:
  tenant_table: {table: public.tenants, key: id, schema_column: schemaName}
  ownership: {public.responses.responses_parent_id_fkey: owned}
`), 0o600))
	cfg, err := Load(path, sourceAndDirEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Tenancy.TenantTable; got != (TenantTable{Table: "public.tenants", Key: "id", SchemaColumn: "schemaName"}) {
		t.Errorf("tenant_table: %+v", got)
	}
	require.NoError(t, os.WriteFile(path, []byte("tenancy:\n  tenant_table: {table: tenants}\n  ownership: {x: mine}\n"), 0o600))
	_, err = Load(path, func(string) string { return "" })
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"want schema.table", "tenant_table.key", `"x": want schema.table.constraint`, `"mine" is not owned or reference`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
}

func TestKeysAcceptKMSAndSecretsManager(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	noEnv := func(string) string { return "" }
	good := []string{
		"keys: {keyring: 'file:/etc/arca/keyring.json'}",
		"keys: {keyring: 'secretsmanager://arca/prod/keyring'}",
		"keys: {keyring: 'file:/k.json', passphrase: 'secretsmanager://arca/prod/keyring-passphrase'}",
		"keys: {keyring: 'file:/k.json', kms: 'awskms://arn:aws:kms:sa-east-1:111122223333:key/1234', aws: {region: sa-east-1}}",
		"keys: {keyring: 'secretsmanager://arn:aws:secretsmanager:sa-east-1:111122223333:secret:k', kms: 'aws-kms://arn:aws:kms:sa-east-1:111122223333:key/1234'}",
	}
	for _, body := range good {
		require.NoError(t, os.WriteFile(path, []byte("dir: /var/lib/arca\n"+body+"\n"), 0o600))
		cfg, err := Load(path, noEnv)
		if err != nil {
			t.Errorf("%s: %v", body, err)
		}
		if cfg.Keys.KMS != "" {
			if uri, ok := KMSKeyURI(cfg.Keys.KMS); !ok || !strings.HasPrefix(uri, "aws-kms://arn:aws:kms:") {
				t.Errorf("%s: KMS URI %q", body, uri)
			}
		}
	}
	bad := map[string][]string{
		"keys: {keyring: 'secretsmanager://'}":                                    {"keys.keyring"},
		"keys: {keyring: 'secretsmanager://k', passphrase: 'secretsmanager://p'}": {"keys.passphrase is for a file"},
		"keys: {keyring: 'file:/k', passphrase: 'env:X'}":                         {"keys.passphrase"},
		"keys: {keyring: 'file:/k', passphrase_env: '', kms: 'kms://arn'}":        {"keys.passphrase_env", "keys.kms"},
	}
	for body, wants := range bad {
		require.NoError(t, os.WriteFile(path, []byte(body+"\n"), 0o600))
		_, err := Load(path, noEnv)
		for _, want := range wants {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %v does not mention %s", body, err, want)
			}
		}
	}
}

func TestUnknownFieldsAndValidationProblemsAreReportedTogether(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	require.NoError(t, os.WriteFile(path, []byte("source: {urll: x}\nstore: {kind: s3}\npipeline: {slots: many}\n"), 0o600))
	_, err := Load(path, func(string) string { return "" })
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"urll", "many", "store.s3.bucket"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
	if n := strings.Count(err.Error(), "\n"); n < 3 {
		t.Errorf("want one problem a line:\n%v", err)
	}
}

func TestAlertingConfiguration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	noEnv := func(string) string { return "" }
	require.NoError(t, os.WriteFile(path, []byte(`dir: /var/lib/arca
alerting:
  pagerduty: {routing_key_env: PD_DEVOPS, routing_key_env_by_severity: {critical: PD_CTO, high: PD_LEAD}}
  runbook_base_url: https://runbooks.example.com/arca/
  stale_after: {tenant: 26h, full: 8d}
  drill_overdue_after: 35d
  storm_threshold: 5
`), 0o600))
	cfg, err := Load(path, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Alerting
	if a.PagerDuty.RoutingKeyEnvBySeverity["critical"] != "PD_CTO" || a.RunbookBaseURL != "https://runbooks.example.com/arca/" ||
		time.Duration(a.StaleAfter["full"]) != 8*24*time.Hour || time.Duration(a.DrillOverdueAfter) != 35*24*time.Hour || a.StormThreshold != 5 {
		t.Fatalf("got %+v", a)
	}
	cfg, err = Load("", noEnv)
	if err != nil || cfg.Alerting.RunbookBaseURL != DefaultRunbookBaseURL || cfg.Alerting.StormThreshold != 10 {
		t.Fatalf("defaults: %+v %v", cfg.Alerting, err)
	}

	require.NoError(t, os.WriteFile(path, []byte(`alerting:
  pagerduty: {routing_key_env_by_severity: {critical: 0123456789abcdef0123456789abcdef, info: X, high: "not a name"}}
  runbook_base_url: docs/runbooks/
  stale_after: {wal: 1h}
  storm_threshold: -1
`), 0o600))
	_, err = Load(path, noEnv)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"looks like a routing key itself", `"info" is not one of`, `"not a name" is not an environment variable name`,
		"runbook_base_url", `"wal" is not one of`, "storm_threshold -1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "0123456789abcdef0123456789abcdef") {
		t.Errorf("the error repeats what looks like a routing key:\n%v", err)
	}
}

// Base backups and the WAL check need WAL archiving: unconfigured, they are
// not scheduled (they would fail and page critical on every fire).
func TestBaseAndWALCheckAreScheduledOnlyWhenConfigured(t *testing.T) {
	cfg, err := Load("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Schedules.Base != "" || cfg.Schedules.WALCheck != "" {
		t.Fatalf("default schedules base %q, wal_check %q: want none", cfg.Schedules.Base, cfg.Schedules.WALCheck)
	}
	path := filepath.Join(t.TempDir(), "arca.yaml")
	require.NoError(t, os.WriteFile(path, []byte("dir: /var/lib/arca\nschedules: {base: '0 0 3 * * 0', wal_check: '0 */10 * * * *'}\n"), 0o600))
	if cfg, err = Load(path, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if cfg.Schedules.Base == "" || cfg.Schedules.WALCheck == "" || cfg.Schedules.TenantExport == "" {
		t.Fatalf("configured schedules lost: %+v", cfg.Schedules)
	}
}
