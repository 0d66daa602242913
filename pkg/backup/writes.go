package backup

import (
	"time"

	"github.com/arcabackup/arca/pkg/objstore"
)

// ObjectPolicy are the object settings of one kind of backup in one
// destination.
type ObjectPolicy struct {
	StorageClass string // "" keeps the bucket's default (STANDARD)
	// Retain is how long the backup must be kept; with LockMode set, S3
	// Object Lock enforces it.
	Retain   time.Duration
	LockMode objstore.LockMode // "", GOVERNANCE or COMPLIANCE
}

// DefaultObjectPolicies follow the plan: tenant exports in STANDARD_IA for
// 90 days, full and base backups in GLACIER for the 30 operational days.
// The 7-year health-data copies are the weekly fulls that retention's GFS
// slots keep; nothing can know at upload time which full will fill a
// weekly slot, so not every full is locked for 7 years.
func DefaultObjectPolicies() map[string]ObjectPolicy {
	return map[string]ObjectPolicy{
		"tenant": {StorageClass: "STANDARD_IA", Retain: 90 * 24 * time.Hour},
		"full":   {StorageClass: "GLACIER", Retain: 30 * 24 * time.Hour},
		"base":   {StorageClass: "GLACIER", Retain: 30 * 24 * time.Hour},
	}
}

// Writes is how one destination writes the backups it holds: its object
// settings per kind and its own SSE-KMS key. The uploader writes the
// primary's objects with the primary's, its copy jobs each destination's
// with that destination's, and `arca copy` the same (replicate.Backup): a
// destination's copy of a backup is written alike whoever writes it.
type Writes struct {
	Policies map[string]ObjectPolicy
	// SSEKMSKeyID is the destination's own SSE-KMS key; empty writes
	// without one (the bucket's default encryption). A KMS key belongs to
	// one region and account: never another destination's.
	SSEKMSKeyID string
}

// Object are the settings of a backup's data object written at now: the
// tags every object carries (DataType, Kind, Tenant), the kind's storage
// class, the SSE-KMS key and the kind's Object Lock retention from now.
func (w Writes) Object(kind, tenant string, now time.Time) []objstore.Option {
	p := w.Policies[kind]
	opts := []objstore.Option{objstore.WithTags(map[string]string{
		"DataType": "HealthRecords", "Kind": kind, "Tenant": tenant,
	})}
	if p.StorageClass != "" {
		opts = append(opts, objstore.WithStorageClass(p.StorageClass))
	}
	if w.SSEKMSKeyID != "" {
		opts = append(opts, objstore.WithSSEKMS(w.SSEKMSKeyID))
	}
	if p.LockMode != "" && p.Retain > 0 {
		opts = append(opts, objstore.WithObjectLock(p.LockMode, now.Add(p.Retain)))
	}
	return opts
}

// Manifest are the settings of its manifest: the object's but the storage
// class. A manifest stays in the standard class whatever its kind's, so
// that listing, verifying, pruning and rebuilding the catalog never wait
// for an archive restore.
func (w Writes) Manifest(kind, tenant string, now time.Time) []objstore.Option {
	return lessClass(w.Object(kind, tenant, now))
}

// lessClass are objectOptions without their storage class.
func lessClass(objectOptions []objstore.Option) []objstore.Option {
	o := objstore.NewOptions(objectOptions...)
	opts := []objstore.Option{objstore.WithTags(o.Tags)}
	if o.SSEKMSKeyID != "" {
		opts = append(opts, objstore.WithSSEKMS(o.SSEKMSKeyID))
	}
	if o.Lock.Mode != "" {
		opts = append(opts, objstore.WithObjectLock(o.Lock.Mode, o.Lock.RetainUntil))
	}
	return opts
}
