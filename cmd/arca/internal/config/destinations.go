package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
)

// Destination is one place backups are copied to besides the primary
// bucket (store.kind, store.fs, store.s3): another S3 bucket, in another
// region or provider, or a directory elsewhere. Every destination uses the
// primary's prefix (store.prefix), so a manifest, which is bound to its
// object's key, is valid as it is in each of them.
type Destination struct {
	Name string  `yaml:"name"`
	Kind string  `yaml:"kind"` // fs or s3
	FS   FSStore `yaml:"fs"`
	S3   S3Store `yaml:"s3"`
	// Kinds are the backup kinds copied here (tenant, full, base); empty
	// is every kind.
	Kinds []string `yaml:"kinds"`
	// Retention is this destination's own policy; a field left out takes
	// the top-level retention's value.
	Retention *Retention `yaml:"retention"`
}

// PrimaryName names the bucket of store.kind when store.name is empty.
const PrimaryName = "primary"

var destinationName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// backupKinds are the kinds a destination may take.
var backupKinds = []string{"tenant", "full", "base"}

// Destinations are every store backups go to, the primary first: the
// order restore tries them in. A configuration without store.destinations
// has one, the primary, exactly as before.
func (c Config) Destinations() []Destination {
	primary := Destination{Name: c.Store.Name, Kind: c.Store.Kind, FS: c.Store.FS, S3: c.Store.S3}
	if primary.Name == "" {
		primary.Name = PrimaryName
	}
	out := []Destination{primary}
	for _, d := range c.Store.Destinations {
		d.S3 = s3Defaults(d.S3)
		out = append(out, d)
	}
	for i := range out {
		r := c.Retention
		if o := out[i].Retention; o != nil {
			r = mergeRetention(c.Retention, *o)
		}
		out[i].Retention = &r
	}
	return out
}

// Destination is the destination called name, false when none is.
func (c Config) Destination(name string) (Destination, bool) {
	for _, d := range c.Destinations() {
		if d.Name == name {
			return d, true
		}
	}
	return Destination{}, false
}

// Takes reports whether the destination keeps backups of kind.
func (d Destination) Takes(kind string) bool {
	return len(d.Kinds) == 0 || slices.Contains(d.Kinds, kind)
}

// mergeRetention is top with the fields o sets.
func mergeRetention(top, o Retention) Retention {
	if o.TenantExport != 0 {
		top.TenantExport = o.TenantExport
	}
	if o.Operational != 0 {
		top.Operational = o.Operational
	}
	if o.Health != 0 {
		top.Health = o.Health
	}
	if o.Holds != nil {
		top.Holds = o.Holds
	}
	return top
}

func s3Defaults(s S3Store) S3Store {
	if s.AccessKeyEnv == "" {
		s.AccessKeyEnv = "AWS_ACCESS_KEY_ID"
	}
	if s.SecretKeyEnv == "" {
		s.SecretKeyEnv = "AWS_SECRET_ACCESS_KEY"
	}
	if s.Region == "" {
		s.Region = "us-east-1"
	}
	return s
}

// destinationProblems checks store.name and store.destinations.
func (c Config) destinationProblems() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Store.Name != "" && !destinationName.MatchString(c.Store.Name) {
		bad("store.name %q: want lower-case letters, digits and dashes (at most 32)", c.Store.Name)
	}
	seen := map[string]bool{}
	for i, d := range c.Destinations() {
		if seen[d.Name] {
			bad("store.destinations: the name %q is used twice", d.Name)
		}
		seen[d.Name] = true
		if i == 0 {
			continue
		}
		at := fmt.Sprintf("store.destinations[%d]", i-1)
		if !destinationName.MatchString(d.Name) {
			bad("%s.name %q: want lower-case letters, digits and dashes (at most 32)", at, d.Name)
		}
		switch d.Kind {
		case "fs":
			if d.FS.Dir == "" {
				bad("%s.fs.dir is required for kind fs", at)
			}
		case "s3":
			if d.S3.Bucket == "" {
				bad("%s.s3.bucket is required for kind s3", at)
			}
			switch d.S3.ObjectLock {
			case "", "GOVERNANCE", "COMPLIANCE":
			default:
				bad("%s.s3.object_lock %q is not GOVERNANCE or COMPLIANCE", at, d.S3.ObjectLock)
			}
		default:
			bad("%s.kind %q is not fs or s3", at, d.Kind)
		}
		errs = append(errs, storageClassProblems(at+".s3", d.S3.StorageClasses)...)
		for _, k := range d.Kinds {
			if !slices.Contains(backupKinds, k) {
				bad("%s.kinds: %q is not tenant, full or base", at, k)
			}
		}
	}
	return errs
}

// storageClass is how S3 spells a storage class (STANDARD, GLACIER_IR, ...).
var storageClass = regexp.MustCompile(`^[A-Z][A-Z_]{1,31}$`)

// storageClassProblems checks a store's storage_classes: a backup kind
// each, named as S3 names classes.
func storageClassProblems(at string, classes map[string]string) []error {
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(classes)) {
		if !slices.Contains(backupKinds, k) {
			errs = append(errs, fmt.Errorf("%s.storage_classes: %q is not tenant, full or base", at, k))
		}
		if !storageClass.MatchString(classes[k]) {
			errs = append(errs, fmt.Errorf("%s.storage_classes.%s %q is not a storage class (STANDARD, STANDARD_IA, GLACIER_IR, ...)", at, k, classes[k]))
		}
	}
	return errs
}
