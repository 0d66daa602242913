package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

// A configuration without store.destinations means what it meant before:
// one destination, the primary bucket.
func TestDestinationsDefaultToThePrimaryAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	os.WriteFile(path, []byte("store: {kind: s3, s3: {bucket: b, endpoint: 'http://x'}}\n"), 0o600)
	cfg, err := Load(path, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	ds := cfg.Destinations()
	if len(ds) != 1 || ds[0].Name != "primary" || ds[0].Kind != "s3" || ds[0].S3.Bucket != "b" || !ds[0].Takes("full") {
		t.Fatalf("got %+v", ds)
	}
	if time.Duration(ds[0].Retention.TenantExport) != 90*24*time.Hour {
		t.Fatalf("primary retention %+v", ds[0].Retention)
	}
}

func TestDestinationsEachWithItsOwnStoreKindsAndRetention(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	os.WriteFile(path, []byte(`retention: {tenant_export: 60d}
store:
  kind: s3
  name: sa-east
  s3: {bucket: arca-sp, region: sa-east-1}
  destinations:
    - name: local
      kind: fs
      fs: {dir: /mnt/arca}
      kinds: [tenant]
      retention: {tenant_export: 14d}
    - name: us-east
      kind: s3
      s3: {bucket: arca-va}
`), 0o600)
	cfg, err := Load(path, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	ds := cfg.Destinations()
	if len(ds) != 3 || ds[0].Name != "sa-east" || ds[1].Name != "local" || ds[2].Name != "us-east" {
		t.Fatalf("got %+v", ds)
	}
	if !ds[1].Takes("tenant") || ds[1].Takes("full") || !ds[2].Takes("base") {
		t.Fatalf("kinds: %+v %+v", ds[1].Kinds, ds[2].Kinds)
	}
	day := 24 * time.Hour
	if time.Duration(ds[1].Retention.TenantExport) != 14*day || time.Duration(ds[1].Retention.Operational) != 30*day ||
		time.Duration(ds[2].Retention.TenantExport) != 60*day {
		t.Fatalf("retention: %+v %+v", ds[1].Retention, ds[2].Retention)
	}
	if ds[2].S3.Region != "us-east-1" || ds[2].S3.AccessKeyEnv != "AWS_ACCESS_KEY_ID" {
		t.Fatalf("s3 defaults: %+v", ds[2].S3)
	}
	if d, ok := cfg.Destination("local"); !ok || d.FS.Dir != "/mnt/arca" {
		t.Fatalf("Destination(local) = %+v, %v", d, ok)
	}
}

func TestDestinationsReportEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	os.WriteFile(path, []byte(`store:
  kind: fs
  fs: {dir: /srv/a}
  destinations:
    - {name: primary, kind: fs, fs: {dir: /srv/b}}
    - {name: Bad_Name, kind: s3}
    - {name: x, kind: ftp, kinds: [wal]}
`), 0o600)
	_, err := Load(path, noEnv)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{`"primary" is used twice`, `store.destinations[1].name "Bad_Name"`,
		"store.destinations[1].s3.bucket is required", `store.destinations[2].kind "ftp"`, `"wal" is not tenant, full or base`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
}
