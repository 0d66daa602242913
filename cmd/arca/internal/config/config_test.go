package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	os.WriteFile(path, []byte("store: {kind: s3}\nkeys: {keyring: 'kms://x'}\npipeline: {part_size: 1MiB}\nschedules: {timezone: Mars/Olympus}\n"), 0o600)
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

func TestLoadRefusesUnknownFieldsAndAppliesEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	os.WriteFile(path, []byte("source: {urll: x}\n"), 0o600)
	if _, err := Load(path, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "urll") {
		t.Fatalf("unknown field not refused: %v", err)
	}
	os.WriteFile(path, []byte("retention: {tenant_export: 45d}\npipeline: {part_size: 64MiB}\n"), 0o600)
	cfg, err := Load(path, func(k string) string {
		if k == "ARCA_SOURCE_URL" {
			return "postgres://env@db/app"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source.URL != "postgres://env@db/app" || time.Duration(cfg.Retention.TenantExport) != 45*24*time.Hour || cfg.Pipeline.PartSize != 64<<20 {
		t.Fatalf("got %+v", cfg)
	}
}

func TestLoadTenancy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	os.WriteFile(path, []byte(`tenancy:
  tenant_table: {table: public.tenants, key: id, schema_column: schemaName}
  ownership: {public.responses.responses_parent_id_fkey: owned}
`), 0o600)
	cfg, err := Load(path, func(k string) string {
		if k == "ARCA_SOURCE_URL" {
			return "postgres://env@db/app"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Tenancy.TenantTable; got != (TenantTable{Table: "public.tenants", Key: "id", SchemaColumn: "schemaName"}) {
		t.Errorf("tenant_table: %+v", got)
	}
	os.WriteFile(path, []byte("tenancy:\n  tenant_table: {table: tenants}\n  ownership: {x: mine}\n"), 0o600)
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
	os.WriteFile(path, []byte("schedules: {base: '0 0 3 * * 0', wal_check: '0 */10 * * * *'}\n"), 0o600)
	if cfg, err = Load(path, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if cfg.Schedules.Base == "" || cfg.Schedules.WALCheck == "" || cfg.Schedules.TenantExport == "" {
		t.Fatalf("configured schedules lost: %+v", cfg.Schedules)
	}
}
