package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"
)

// Default is the embedded default: everything under .arca in the current
// directory, the machine's PostgreSQL, an embedded NATS, a filesystem
// bucket.
func Default() Config {
	return Config{
		Dir:      ".arca",
		Source:   Source{URL: "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", MaxConcurrentExports: 4, Parallelism: 2},
		Store:    Store{Kind: "fs", Prefix: "arca"},
		Keys:     Keys{PassphraseEnv: "ARCA_KEYRING_PASSPHRASE"},
		Pipeline: Pipeline{PartSize: 32 << 20, MaxPartsWaiting: 4, Slots: 4},
		// Base backups and the WAL check have no default: they run only
		// where WAL archiving is set up (schedules.base, schedules.wal_check);
		// unconfigured, they would fail and page on every fire.
		Schedules: Schedules{
			Timezone: "America/Sao_Paulo", TenantExport: "0 0 1 * * *", Full: "0 0 2 * * 0",
			Drill: "0 0 4 1 * *", Retention: "0 30 3 * * *",
		},
		Retention: Retention{
			TenantExport: Duration(90 * 24 * time.Hour), Operational: Duration(30 * 24 * time.Hour),
			Health: Duration(2555 * 24 * time.Hour),
		},
		Alerting: Alerting{MaxBackupBytes: 50e9, WALMaxAge: Duration(time.Hour), PagerDuty: PagerDuty{RoutingKeyEnv: "ARCA_PD_ROUTING_KEY"}},
		API:      API{TokenEnv: "ARCA_API_TOKEN"},
	}
}

// Load reads the file at path (none: defaults only), applies environment
// overrides, fills derived defaults and validates.
func Load(path string, getenv func(string) string) (Config, error) {
	cfg := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
	}
	cfg.applyEnv(getenv)
	cfg.derive()
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// applyEnv lets the environment override the file, for containers.
func (c *Config) applyEnv(getenv func(string) string) {
	set := func(dst *string, name string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	set(&c.Source.URL, "ARCA_SOURCE_URL")
	set(&c.Source.ReplicaURL, "ARCA_SOURCE_REPLICA_URL")
	set(&c.NATS.URL, "ARCA_NATS_URL")
	set(&c.Store.Kind, "ARCA_STORE_KIND")
	set(&c.Store.Prefix, "ARCA_STORE_PREFIX")
	set(&c.Store.FS.Dir, "ARCA_STORE_DIR")
	set(&c.Store.S3.Endpoint, "ARCA_S3_ENDPOINT")
	set(&c.Store.S3.Bucket, "ARCA_S3_BUCKET")
	set(&c.Store.S3.Region, "ARCA_S3_REGION")
	set(&c.Keys.Keyring, "ARCA_KEYRING")
	set(&c.Catalog.URL, "ARCA_CATALOG_URL")
	set(&c.API.Addr, "ARCA_API_ADDR")
	set(&c.Dir, "ARCA_DIR")
}

// derive fills defaults that depend on other settings.
func (c *Config) derive() {
	if c.Store.FS.Dir == "" {
		c.Store.FS.Dir = filepath.Join(c.Dir, "bucket")
	}
	if c.Keys.Keyring == "" {
		c.Keys.Keyring = "file:" + filepath.Join(c.Dir, "keyring.json")
	}
	if c.Store.S3.AccessKeyEnv == "" {
		c.Store.S3.AccessKeyEnv = "AWS_ACCESS_KEY_ID"
	}
	if c.Store.S3.SecretKeyEnv == "" {
		c.Store.S3.SecretKeyEnv = "AWS_SECRET_ACCESS_KEY"
	}
	if c.Store.S3.Region == "" {
		c.Store.S3.Region = "us-east-1"
	}
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Source.URL == "" {
		bad("source.url is required")
	}
	switch c.Store.Kind {
	case "fs":
		if c.Store.FS.Dir == "" {
			bad("store.fs.dir is required for store.kind fs")
		}
	case "s3":
		if c.Store.S3.Bucket == "" {
			bad("store.s3.bucket is required for store.kind s3")
		}
		if c.Pipeline.PartSize < 5<<20 {
			bad("pipeline.part_size %d is below S3's 5 MiB multipart minimum", c.Pipeline.PartSize)
		}
	default:
		bad("store.kind %q is not fs or s3", c.Store.Kind)
	}
	errs = append(errs, c.Tenancy.validate()...)
	if _, ok := filePath(c.Keys.Keyring); !ok {
		bad("keys.keyring %q: want file:PATH", c.Keys.Keyring)
	}
	if c.Keys.PassphraseEnv == "" {
		bad("keys.passphrase_env is required")
	}
	if c.Pipeline.PartSize < 1<<20 || c.Pipeline.PartSize > 5<<30 {
		bad("pipeline.part_size %d is not between 1 MiB and 5 GiB", c.Pipeline.PartSize)
	}
	if c.Schedules.Timezone != "" {
		if _, err := time.LoadLocation(c.Schedules.Timezone); err != nil {
			bad("schedules.timezone %q: %v", c.Schedules.Timezone, err)
		}
	}
	switch c.Store.S3.ObjectLock {
	case "", "GOVERNANCE", "COMPLIANCE":
	default:
		bad("store.s3.object_lock %q is not GOVERNANCE or COMPLIANCE", c.Store.S3.ObjectLock)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("invalid configuration:\n%w", errors.Join(errs...))
}

// KeyringPath is the path of a file keyring.
func (c Config) KeyringPath() string {
	p, _ := filePath(c.Keys.Keyring)
	return p
}

func filePath(ref string) (string, bool) {
	p, ok := bytes.CutPrefix([]byte(ref), []byte("file:"))
	return string(p), ok && len(p) > 0
}
