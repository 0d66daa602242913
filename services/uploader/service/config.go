package service

import (
	"slices"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/objstore"
)

// KindPolicy are the object settings of one kind of backup: the ones
// every writer of a destination's backups uses (backup.Writes).
type KindPolicy = backup.ObjectPolicy

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
	// MaxBytesInFlight bounds the bytes of the parts a replica uploads at
	// once, whatever its Worker.Slots (each part is held in memory as it
	// is sent): many small parts go at once, few large ones. 0: no bound
	// but the slots.
	MaxBytesInFlight int64
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

// Writes is how the destination writes backups: its own policies (the
// primary's when it has none) and its own SSE-KMS key.
func (c Copy) Writes(primary map[string]KindPolicy) backup.Writes {
	policies := c.Policies
	if policies == nil {
		policies = primary
	}
	return backup.Writes{Policies: policies, SSEKMSKeyID: c.SSEKMSKeyID}
}

// Takes reports whether the destination keeps backups of kind.
func (c Copy) Takes(kind string) bool { return len(c.Kinds) == 0 || slices.Contains(c.Kinds, kind) }

// DefaultPolicies are backup.DefaultObjectPolicies: tenant exports in
// STANDARD_IA for 90 days, full and base backups in GLACIER for 30.
func DefaultPolicies() map[string]KindPolicy { return backup.DefaultObjectPolicies() }

func (c Config) withDefaults() Config {
	if c.Policies == nil {
		c.Policies = DefaultPolicies()
	}
	return c
}
