package config

import (
	"time"
)

// Config is the whole configuration (docs/DESIGN.md §3.2).
type Config struct {
	Source    Source    `yaml:"source"`
	Tenancy   Tenancy   `yaml:"tenancy"`
	NATS      NATS      `yaml:"nats"`
	Store     Store     `yaml:"store"`
	Keys      Keys      `yaml:"keys"`
	Pipeline  Pipeline  `yaml:"pipeline"`
	Schedules Schedules `yaml:"schedules"`
	Retention Retention `yaml:"retention"`
	Alerting  Alerting  `yaml:"alerting"`
	Catalog   Catalog   `yaml:"catalog"`
	API       API       `yaml:"api"`
	// Dir holds local state of `arca dev`: the embedded NATS store, the
	// filesystem bucket and the keyring by default.
	Dir string `yaml:"dir"`
}

// Source is the database backed up.
type Source struct {
	URL                  string        `yaml:"url"`
	ReplicaURL           string        `yaml:"replica_url"`
	MaxConcurrentExports int           `yaml:"max_concurrent_exports"`
	StatementTimeout     time.Duration `yaml:"statement_timeout"`
	LockTimeout          time.Duration `yaml:"lock_timeout"`
	PGBinDir             string        `yaml:"pg_bin_dir"`
	Parallelism          int           `yaml:"parallelism"`
}

// Tenancy says how tenants are found (pkg/tenancy).
type Tenancy struct {
	// TenantTable is the tenants' registry; the tenants query defaults from
	// it and each tenant's own row there is backed up and restored.
	TenantTable TenantTable `yaml:"tenant_table"`
	// Ownership overrides the role of a foreign key ("schema.table.constraint":
	// owned or reference).
	Ownership     map[string]string `yaml:"ownership"`
	TenantsQuery  string            `yaml:"tenants_query"`
	TenantColumns []string          `yaml:"tenant_columns"`
	SharedSchemas []string          `yaml:"shared_schemas"`
	Exclude       []string          `yaml:"exclude"`
}

// TenantTable names the tenants' registry table.
type TenantTable struct {
	Table        string `yaml:"table"` // schema.table
	Key          string `yaml:"key"`
	SchemaColumn string `yaml:"schema_column"`
}

// NATS is the JetStream the services share. An empty URL runs an embedded
// server (arca dev only).
type NATS struct {
	URL      string `yaml:"url"`
	Replicas int    `yaml:"replicas"`
	// SyncAlways makes the embedded server fsync every write before
	// acknowledging it (docs/DESIGN.md §3.1).
	SyncAlways bool `yaml:"sync_always"`
}

// Store is the bucket backups go to (the primary) and the further
// destinations each backup is copied to (see Destinations).
type Store struct {
	Kind   string  `yaml:"kind"` // fs or s3
	Prefix string  `yaml:"prefix"`
	FS     FSStore `yaml:"fs"`
	S3     S3Store `yaml:"s3"`
	// Name names the primary in reports and records; default "primary".
	Name         string        `yaml:"name"`
	Destinations []Destination `yaml:"destinations"`
}

// FSStore is a directory used as a bucket.
type FSStore struct {
	Dir string `yaml:"dir"`
}

// S3Store is any S3-compatible endpoint.
type S3Store struct {
	Endpoint     string `yaml:"endpoint"`
	Region       string `yaml:"region"`
	Bucket       string `yaml:"bucket"`
	PathStyle    bool   `yaml:"path_style"`
	AccessKeyEnv string `yaml:"access_key_env"` // default AWS_ACCESS_KEY_ID
	SecretKeyEnv string `yaml:"secret_key_env"` // default AWS_SECRET_ACCESS_KEY
	SSEKMSKeyID  string `yaml:"sse_kms_key_id"`
	ObjectLock   string `yaml:"object_lock"` // "", GOVERNANCE or COMPLIANCE
	// StorageClasses override the storage class backups of a kind
	// (tenant, full, base) are written in here (defaults: STANDARD_IA,
	// GLACIER, GLACIER): a store that is not AWS S3 may know only
	// STANDARD (MinIO: STANDARD and REDUCED_REDUNDANCY).
	StorageClasses map[string]string `yaml:"storage_classes"`
}

// Keys locate the keyring (docs/keys.md, "Where the keys are").
type Keys struct {
	// Keyring is "file:PATH" (a keyring file encrypted under a passphrase)
	// or "secretsmanager://SECRET-ID" (the keyring document held in AWS
	// Secrets Manager, which encrypts it at rest; no passphrase).
	Keyring string `yaml:"keyring"`
	// PassphraseEnv names the variable holding a file keyring's passphrase.
	PassphraseEnv string `yaml:"passphrase_env"`
	// Passphrase, when "secretsmanager://SECRET-ID", fetches a file
	// keyring's passphrase from Secrets Manager instead of PassphraseEnv.
	Passphrase string `yaml:"passphrase"`
	// KMS, "awskms://KEY-ARN", makes the key versions keys init and
	// keys rotate add to the default scope KMS-backed: AWS KMS wraps and
	// unwraps each part's data key, and the keyring holds only the key's URI.
	KMS string  `yaml:"kms"`
	AWS AWSKeys `yaml:"aws"`
}

// AWSKeys is how KMS and Secrets Manager are reached; credentials come
// from the SDK's default chain (environment, IAM role), never the file.
type AWSKeys struct {
	// Region defaults to the SDK's (AWS_REGION), else the KMS key ARN's.
	Region string `yaml:"region"`
	// Endpoint overrides both services' endpoint (a VPC endpoint, tests).
	Endpoint string `yaml:"endpoint"`
}

// Pipeline sizes and compresses parts.
type Pipeline struct {
	// PartSize is the compressed (stored) size at which the exporter cuts a
	// part: every part but an artifact's last is at least this large.
	PartSize ByteSize `yaml:"part_size"`
	// CompressionLevel is the zstd level of every part, 1–22 (default 1:
	// on the care-home data it stores smaller than 3 at 0.7 × the CPU;
	// DESIGN decision 49).
	CompressionLevel int `yaml:"compression_level"`
	MaxPartsWaiting  int `yaml:"max_parts_waiting"`
	// Slots is how many jobs each replica of a stage runs at once (default
	// 4).
	Slots int `yaml:"slots"`
	// IOSlots, when above Slots, is how many jobs each replica of the
	// encryptor, the uploader and the verifier runs at once, while the
	// encryptor and the uploader still hold no more than Slots parts of
	// part_size in memory (small parts then move together, large ones a
	// few at a time). For replicas on their own cores in front of a slow
	// S3; where the stages share the exporter's cores, more of them only
	// take CPU from the exports (docs/DESIGN.md decision 42). 0 (the
	// default) takes Slots.
	IOSlots int `yaml:"io_slots"`
	// BatchSize is how many tenants of a run one exporter reads together
	// (one scan of each shared table per batch; default 16, 1: each tenant
	// alone, at most max_concurrent_exports × 8: what the export slots pay
	// for). The coordinator offers batches of up to 64 (its own
	// export_batch); each exporter takes up to BatchSize of one at once.
	BatchSize int `yaml:"batch_size"`
}

// Schedules are cron expressions in a time zone.
type Schedules struct {
	Timezone     string `yaml:"timezone"`
	TenantExport string `yaml:"tenant_export"`
	Full         string `yaml:"full"`
	Drill        string `yaml:"drill"`
	Retention    string `yaml:"retention"`
	Base         string `yaml:"base"`      // physical base backups
	WALCheck     string `yaml:"wal_check"` // gaps and staleness of the WAL archive
}

// Retention keeps backups for so long per kind.
type Retention struct {
	TenantExport Duration `yaml:"tenant_export"` // tenant exports
	Operational  Duration `yaml:"operational"`   // full and base backups
	Health       Duration `yaml:"health"`        // weekly fulls kept as health records
	Holds        []Hold   `yaml:"holds"`         // legal holds: never delete
}

// Hold is a legal hold on a tenant's backups (or a kind's).
type Hold struct {
	Tenant string `yaml:"tenant"`
	Kind   string `yaml:"kind"`
	Reason string `yaml:"reason"`
}

// Alerting pages PagerDuty.
type Alerting struct {
	// WALMaxAge: the newest archived WAL segment older than this is an
	// RPO at risk (default 1h).
	WALMaxAge      Duration  `yaml:"wal_max_age"`
	PagerDuty      PagerDuty `yaml:"pagerduty"`
	MaxBackupBytes ByteSize  `yaml:"max_backup_bytes"`
	// RunbookBaseURL is a full URL; each incident links <base><check>.md.
	RunbookBaseURL string `yaml:"runbook_base_url"`
	// StaleAfter per kind (tenant, full, base): no successful backup for
	// so long pages backup-stale (default tenant 24h).
	StaleAfter map[string]Duration `yaml:"stale_after"`
	// DrillOverdueAfter: no passed drill for so long pages drill-overdue
	// (default 30d).
	DrillOverdueAfter Duration `yaml:"drill_overdue_after"`
	// StormThreshold: more open incidents of one check and kind than this
	// become one aggregated incident (default 10).
	StormThreshold int `yaml:"storm_threshold"`
	// WALSlot: wal-receive's replication slot; when set the scheduled WAL
	// check also checks it (arca wal-check --slot) against
	// WALSlotMaxRetained (default 4GiB) and WALStreamMaxLag (default 1m).
	WALSlot            string   `yaml:"wal_slot"`
	WALSlotMaxRetained ByteSize `yaml:"wal_slot_max_retained"`
	WALStreamMaxLag    Duration `yaml:"wal_stream_max_lag"`
}

// PagerDuty is the Events API v2 endpoint and where the routing keys are:
// names of environment variables, never the keys.
type PagerDuty struct {
	Endpoint      string `yaml:"endpoint"`
	RoutingKeyEnv string `yaml:"routing_key_env"`
	// RoutingKeyEnvBySeverity names a variable per severity (critical,
	// high, warning) that overrides RoutingKeyEnv, so that each level pages
	// its own service (devops, the team lead, the CTO).
	RoutingKeyEnvBySeverity map[string]string `yaml:"routing_key_env_by_severity"`
}

// Catalog is the coordinator's PostgreSQL database.
type Catalog struct {
	URL string `yaml:"url"`
}

// API is the coordinator's HTTP API.
type API struct {
	Addr     string `yaml:"addr"`
	TokenEnv string `yaml:"token_env"`
}
