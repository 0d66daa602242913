package service

import (
	"slices"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/objstore"
)

// KindPolicy are the object settings of one kind of backup.
type KindPolicy struct {
	StorageClass string // "" keeps the bucket's default (STANDARD)
	// Retain is how long the backup must be kept; with LockMode set, S3
	// Object Lock enforces it.
	Retain   time.Duration
	LockMode objstore.LockMode // "", GOVERNANCE or COMPLIANCE
}

// Config of the uploader stage. The uploader holds bucket write credentials,
// staging access and the keys that seal manifests (docs/security.md); no
// database.
type Config struct {
	Layout backup.Layout
	// Policies per kind ("tenant", "full", "base").
	Policies    map[string]KindPolicy
	SSEKMSKeyID string
	ToolVersion string
	Worker      jobs.Config
	// StateReplicas: replicas of the uploads bucket (KV), as the streams'
	// (nats.replicas); 0 is 1.
	StateReplicas int
	// Copies are the destinations besides the primary (the store New is
	// given): each committed backup of a kind they take is copied to each
	// by its own job (messages.CopyRequested).
	Copies []Copy
}

// Copy is one further destination of the backups.
type Copy struct {
	Name  string
	Store objstore.Store
	// Kinds it takes ("tenant", "full", "base"); empty is every kind.
	Kinds []string
	// Policies are its object settings per kind (its own Object Lock);
	// nil takes the primary's.
	Policies map[string]KindPolicy
	// SSEKMSKeyID is its own SSE-KMS key; empty writes without one (the
	// bucket's default encryption). Never the primary's: a KMS key belongs
	// to one region and account.
	SSEKMSKeyID string
}

// Takes reports whether the destination keeps backups of kind.
func (c Copy) Takes(kind string) bool { return len(c.Kinds) == 0 || slices.Contains(c.Kinds, kind) }

// DefaultPolicies follow the plan: tenant exports in STANDARD_IA for 90
// days, full and base backups in GLACIER for the 30 operational days. The
// 7-year health-data copies are the weekly fulls that retention's GFS slots
// keep; the uploader cannot know at upload time which full will fill a
// weekly slot, so it does not lock every full for 7 years.
func DefaultPolicies() map[string]KindPolicy {
	return map[string]KindPolicy{
		"tenant": {StorageClass: "STANDARD_IA", Retain: 90 * 24 * time.Hour},
		"full":   {StorageClass: "GLACIER", Retain: 30 * 24 * time.Hour},
		"base":   {StorageClass: "GLACIER", Retain: 30 * 24 * time.Hour},
	}
}

func (c Config) withDefaults() Config {
	if c.Policies == nil {
		c.Policies = DefaultPolicies()
	}
	return c
}
