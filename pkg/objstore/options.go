package objstore

import (
	"maps"
	"time"
)

// Options are the settings of an object being written. Stores read them with
// NewOptions; callers use the WithX functions.
type Options struct {
	StorageClass string
	Tags         map[string]string
	SHA256       []byte
	SSEKMSKeyID  string
	Lock         Lock
}

// Option sets one object setting for Put or CreateMultipart.
type Option func(*Options)

// NewOptions applies opts in order.
func NewOptions(opts ...Option) Options {
	var o Options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithStorageClass sets the storage class, e.g. "STANDARD_IA",
// "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE".
func WithStorageClass(class string) Option {
	return func(o *Options) { o.StorageClass = class }
}

// WithTags adds object tags (S3 allows 10 per object).
func WithTags(tags map[string]string) Option {
	return func(o *Options) {
		if o.Tags == nil {
			o.Tags = map[string]string{}
		}
		maps.Copy(o.Tags, tags)
	}
}

// WithSHA256 gives the digest the stored bytes must have (Put only).
func WithSHA256(sum []byte) Option {
	return func(o *Options) { o.SHA256 = sum }
}

// WithSSEKMS encrypts the object server-side with this KMS key (S3 only;
// the filesystem store ignores it).
func WithSSEKMS(keyID string) Option {
	return func(o *Options) { o.SSEKMSKeyID = keyID }
}

// WithObjectLock retains the object in mode until the given time. The S3
// bucket must have been created with Object Lock enabled.
func WithObjectLock(mode LockMode, until time.Time) Option {
	return func(o *Options) { o.Lock = Lock{Mode: mode, RetainUntil: until.UTC()} }
}

// WithLegalHold puts the object under legal hold: no deletion until lifted.
func WithLegalHold() Option {
	return func(o *Options) { o.Lock.LegalHold = true }
}
