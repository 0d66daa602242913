package bucketinit

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// OptionalSettings are the settings Options.Optional may name.
var OptionalSettings = []string{SettingVersioning, SettingObjectLock, SettingLifecycle, SettingEncryption, SettingPublicAccess}

// Options are what an operator asks of the bucket (the command's flags)
// over the defaults its configuration gives. Options.Config is the bucket
// Run brings about: versioning and every public access blocked always.
type Options struct {
	Bucket, Region string
	// NoObjectLock leaves Object Lock alone. Otherwise the default
	// retention is LockMode, else DefaultLockMode, else GOVERNANCE, for
	// LockDays, else DefaultLockDays (the shortest retention of the
	// policy, so that prune can delete on time), at least 1.
	NoObjectLock              bool
	LockMode, DefaultLockMode string
	LockDays, DefaultLockDays int
	// SSE is the default encryption; "" is aws:kms when KMSKeyID is set,
	// else AES256. The key id goes with any algorithm but AES256.
	SSE, KMSKeyID string
	// Lifecycle is the rules Arca owns, their ids starting with
	// LifecyclePrefix.
	Lifecycle       []types.LifecycleRule
	LifecyclePrefix string
	// Optional names settings that may be unsupported or refused
	// (OptionalSettings).
	Optional []string
}

// Config is the bucket the options ask for; every problem of the options
// is reported at once.
func (o Options) Config() (Config, error) {
	c := Config{Bucket: o.Bucket, Region: o.Region, Versioning: true, BlockPublicAccess: true,
		Lifecycle: o.Lifecycle, LifecyclePrefix: o.LifecyclePrefix, Optional: map[string]bool{}}
	var errs []error
	for _, s := range o.Optional {
		if !slices.Contains(OptionalSettings, s) {
			errs = append(errs, fmt.Errorf("--optional %q: not one of %s", s, strings.Join(OptionalSettings, ", ")))
		}
		c.Optional[s] = true
	}
	if !o.NoObjectLock {
		mode := firstSet(o.LockMode, o.DefaultLockMode, string(types.ObjectLockRetentionModeGovernance))
		days := o.LockDays
		if days == 0 {
			days = max(o.DefaultLockDays, 1)
		}
		c.ObjectLock = &LockDefault{Mode: types.ObjectLockRetentionMode(strings.ToUpper(mode)), Days: int32(days)}
	}
	alg := o.SSE
	if alg == "" {
		alg = string(types.ServerSideEncryptionAes256)
		if o.KMSKeyID != "" {
			alg = string(types.ServerSideEncryptionAwsKms)
		}
	}
	c.Encryption = &Encryption{Algorithm: types.ServerSideEncryption(alg)}
	if alg != string(types.ServerSideEncryptionAes256) {
		c.Encryption.KMSKeyID = o.KMSKeyID
	}
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// firstSet is the first non-empty string.
func firstSet(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// Err is nil when every required setting is in place, else an error
// naming those that are not and why ("lifecycle (unsupported)").
func (r Report) Err() error {
	missing := r.Missing()
	if len(missing) == 0 {
		return nil
	}
	names := make([]string, len(missing))
	for i, m := range missing {
		names[i] = m.Setting + " (" + m.Outcome.Text() + ")"
	}
	return fmt.Errorf("bucket %s: required settings not in place: %s", r.Bucket, strings.Join(names, ", "))
}

// Text is the outcome as a person reads it ("already set").
func (o Outcome) Text() string { return strings.ReplaceAll(string(o), "_", " ") }
