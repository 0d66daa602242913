package objstore

import (
	"context"
	"io"
	"time"
)

// Retained is a Store whose every Put and CreateMultipart carries an
// explicit Object Lock retention: the one its caller set, else mode until
// now plus retain. A version that relies on the bucket's default retention
// alone can be shortened by whoever holds s3:PutObjectRetention on some
// servers (versitygw v1.8.0 does not stamp the default on the version:
// docs/runbooks/gameday-ransomware.md); an explicit COMPLIANCE retention
// can only ever be extended, and a GOVERNANCE one shortened only with
// s3:BypassGovernanceRetention.
type Retained struct {
	Store
	Mode   LockMode
	Retain time.Duration
	Now    func() time.Time // time.Now when nil
}

func (r Retained) with(opts []Option) []Option {
	if NewOptions(opts...).Lock.Mode != "" || r.Mode == "" || r.Retain <= 0 {
		return opts
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	return append(opts[:len(opts):len(opts)], WithObjectLock(r.Mode, now().Add(r.Retain)))
}

// Put stores with a retention.
func (r Retained) Put(ctx context.Context, key string, body io.Reader, size int64, opts ...Option) (ObjectInfo, error) {
	return r.Store.Put(ctx, key, body, size, r.with(opts)...)
}

// CreateMultipart starts an upload whose object will carry a retention.
func (r Retained) CreateMultipart(ctx context.Context, key string, opts ...Option) (string, error) {
	return r.Store.CreateMultipart(ctx, key, r.with(opts)...)
}
