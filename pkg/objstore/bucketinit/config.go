package bucketinit

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Config is the bucket as it should be. A nil or false setting is left
// alone (reported skipped).
type Config struct {
	Bucket string
	// Region is where a new bucket is created (its location constraint
	// when not us-east-1).
	Region string
	// Versioning turns versioning on (Object Lock needs it).
	Versioning bool
	// ObjectLock is the default retention of every new object version;
	// the bucket is created with Object Lock enabled.
	ObjectLock *LockDefault
	// Lifecycle is the rules whose ids start with LifecyclePrefix; the
	// bucket's other rules are kept.
	Lifecycle       []types.LifecycleRule
	LifecyclePrefix string
	// Encryption is the bucket's default encryption.
	Encryption *Encryption
	// BlockPublicAccess sets all four public access block flags.
	BlockPublicAccess bool
	// Optional names the settings that may be unsupported or refused
	// without failing the report (every other asked-for setting is
	// required).
	Optional map[string]bool
}

// LockDefault is Object Lock's default retention.
type LockDefault struct {
	Mode types.ObjectLockRetentionMode // GOVERNANCE or COMPLIANCE
	Days int32
}

// Encryption is a default server-side encryption: AES256 (SSE-S3) or
// aws:kms with a key id.
type Encryption struct {
	Algorithm types.ServerSideEncryption
	KMSKeyID  string
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	if c.Bucket == "" {
		errs = append(errs, errors.New("bucket is required"))
	}
	if l := c.ObjectLock; l != nil {
		if l.Mode != types.ObjectLockRetentionModeGovernance && l.Mode != types.ObjectLockRetentionModeCompliance {
			errs = append(errs, fmt.Errorf("object lock mode %q is not GOVERNANCE or COMPLIANCE", l.Mode))
		}
		if l.Days <= 0 {
			errs = append(errs, fmt.Errorf("object lock default retention %d days: want at least 1", l.Days))
		}
		if !c.Versioning {
			errs = append(errs, errors.New("object lock needs versioning"))
		}
	}
	if e := c.Encryption; e != nil {
		switch e.Algorithm {
		case types.ServerSideEncryptionAes256:
			if e.KMSKeyID != "" {
				errs = append(errs, errors.New("a KMS key id needs algorithm aws:kms"))
			}
		case types.ServerSideEncryptionAwsKms, types.ServerSideEncryptionAwsKmsDsse:
		default:
			errs = append(errs, fmt.Errorf("encryption algorithm %q is not AES256 or aws:kms", e.Algorithm))
		}
	}
	if len(c.Lifecycle) > 0 && c.LifecyclePrefix == "" {
		errs = append(errs, errors.New("lifecycle rules need the prefix of the ids they own"))
	}
	return errors.Join(errs...)
}
