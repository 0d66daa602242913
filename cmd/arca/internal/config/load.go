package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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
		Pipeline: Pipeline{PartSize: 16 << 20, CompressionLevel: 1, MaxPartsWaiting: 4, Slots: 4},
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
		Alerting: Alerting{MaxBackupBytes: 50e9, WALMaxAge: Duration(time.Hour), PagerDuty: PagerDuty{RoutingKeyEnv: "ARCA_PD_ROUTING_KEY"},
			RunbookBaseURL: DefaultRunbookBaseURL, StormThreshold: 10, DrillOverdueAfter: Duration(30 * 24 * time.Hour)},
		API: API{TokenEnv: "ARCA_API_TOKEN"},
	}
}

// Load reads the file at path (none: defaults only), applies environment
// overrides, fills derived defaults and validates.
func Load(path string, getenv func(string) string) (Config, error) {
	cfg := Default()
	var data []byte
	var fileErrs []error
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return cfg, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			// Unknown fields and wrong types are reported with every
			// other problem (the decoder fills what it can); a file
			// that is not YAML at all stops here.
			var te *yaml.TypeError
			if !errors.As(err, &te) {
				return cfg, fmt.Errorf("config %s: %w", path, err)
			}
			for _, e := range te.Errors {
				fileErrs = append(fileErrs, fmt.Errorf("%s: %s", path, e))
			}
		}
	}
	cfg.applyEnv(getenv)
	explicit := path == "" || cfg.Store.Kind != "fs" || cfg.Store.FS.Dir != "" || bucketNamed(data, getenv)
	cfg.derive()
	if err := cfg.Validate(); err != nil {
		fileErrs = append(fileErrs, errors.Unwrap(err))
	}
	if !explicit {
		// A configuration file that does not say where the bucket is (cut
		// short, or a section lost) would otherwise back up into
		// ./.arca/bucket under whatever directory arca runs from.
		fileErrs = append(fileErrs, fmt.Errorf("config %s: store.fs.dir (or dir, ARCA_STORE_DIR, ARCA_DIR) is required for store.kind fs in a configuration file; is the file complete?", path))
	}
	if len(fileErrs) > 0 {
		return cfg, fmt.Errorf("invalid configuration:\n%w", errors.Join(fileErrs...))
	}
	return cfg, nil
}

// Problems are the lines of a Load or Validate error, one per problem,
// without the heading.
func Problems(err error) []string {
	var out []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = strings.TrimSpace(l); l != "" && l != "invalid configuration:" {
			out = append(out, l)
		}
	}
	return out
}

// bucketNamed reports whether the file or the environment names the state
// directory, from which the filesystem bucket's location derives.
func bucketNamed(doc []byte, getenv func(string) string) bool {
	if getenv("ARCA_DIR") != "" || getenv("ARCA_STORE_DIR") != "" {
		return true
	}
	var raw struct {
		Dir *string `yaml:"dir"`
	}
	_ = yaml.Unmarshal(doc, &raw)
	return raw.Dir != nil && *raw.Dir != ""
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
	set(&c.Keys.KMS, "ARCA_KEYS_KMS")
	set(&c.Keys.AWS.Endpoint, "ARCA_KEYS_AWS_ENDPOINT")
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
	default:
		bad("store.kind %q is not fs or s3", c.Store.Kind)
	}
	errs = append(errs, c.Tenancy.validate()...)
	_, isFile := filePath(c.Keys.Keyring)
	_, isSecret := SecretID(c.Keys.Keyring)
	if !isFile && !isSecret {
		bad("keys.keyring %q: want file:PATH or secretsmanager://SECRET-ID", c.Keys.Keyring)
	}
	if c.Keys.Passphrase != "" {
		if _, ok := SecretID(c.Keys.Passphrase); !ok {
			bad("keys.passphrase %q: want secretsmanager://SECRET-ID (or leave it empty and set keys.passphrase_env)", c.Keys.Passphrase)
		} else if !isFile {
			bad("keys.passphrase is for a file: keyring; a secretsmanager:// keyring needs none")
		}
	} else if isFile && c.Keys.PassphraseEnv == "" {
		bad("keys.passphrase_env is required for a file: keyring")
	}
	if c.Keys.KMS != "" {
		if _, ok := KMSKeyURI(c.Keys.KMS); !ok {
			bad("keys.kms %q: want awskms://KEY-ARN", c.Keys.KMS)
		}
	}
	// Every store enforces S3's multipart minimum (fsstore too); parts are
	// cut by their compressed size, so each but the last is at least this.
	if c.Pipeline.PartSize < 5<<20 || c.Pipeline.PartSize > 5<<30 {
		bad("pipeline.part_size %d is not between S3's 5 MiB multipart minimum and 5 GiB", c.Pipeline.PartSize)
	}
	if c.Pipeline.CompressionLevel < 1 || c.Pipeline.CompressionLevel > 22 {
		bad("pipeline.compression_level %d is not a zstd level between 1 and 22", c.Pipeline.CompressionLevel)
	}
	if c.Pipeline.Slots < 0 || c.Pipeline.IOSlots < 0 {
		bad("pipeline.slots %d and pipeline.io_slots %d must not be negative", c.Pipeline.Slots, c.Pipeline.IOSlots)
	}
	if c.Pipeline.BatchSize < 0 || c.Pipeline.BatchSize > 1000 {
		bad("pipeline.batch_size %d is not between 0 (the default, 16) and 1000", c.Pipeline.BatchSize)
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
	errs = append(errs, storageClassProblems("store.s3", c.Store.S3.StorageClasses)...)
	errs = append(errs, c.Alerting.problems()...)
	errs = append(errs, c.destinationProblems()...)
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

// SecretID is the secret id of a "secretsmanager://SECRET-ID" reference.
func SecretID(ref string) (string, bool) {
	id, ok := strings.CutPrefix(ref, "secretsmanager://")
	return id, ok && id != ""
}

// KMSKeyURI is the keyring's URI (aws-kms://KEY) of "awskms://KEY" (or of
// Tink's own spelling aws-kms://KEY).
func KMSKeyURI(ref string) (string, bool) {
	key, ok := strings.CutPrefix(ref, "awskms://")
	if !ok {
		key, ok = strings.CutPrefix(ref, "aws-kms://")
	}
	if !ok || key == "" {
		return "", false
	}
	return "aws-kms://" + key, true
}

func filePath(ref string) (string, bool) {
	p, ok := bytes.CutPrefix([]byte(ref), []byte("file:"))
	return string(p), ok && len(p) > 0
}
