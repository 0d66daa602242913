package objstore

import (
	"context"
	"io"
)

// KMSEncrypted is a Store whose every Put and CreateMultipart is encrypted
// server-side under KeyID, unless its caller named a key: a destination's
// own SSE-KMS key for the writers that do not know it (the writers' mirror
// of the PITR archive). An empty KeyID adds nothing.
type KMSEncrypted struct {
	Store
	KeyID string
}

func (k KMSEncrypted) with(opts []Option) []Option {
	if k.KeyID == "" || NewOptions(opts...).SSEKMSKeyID != "" {
		return opts
	}
	return append(opts[:len(opts):len(opts)], WithSSEKMS(k.KeyID))
}

// Put stores under the key.
func (k KMSEncrypted) Put(ctx context.Context, key string, body io.Reader, size int64, opts ...Option) (ObjectInfo, error) {
	return amending{Store: k.Store, amend: k.with}.Put(ctx, key, body, size, opts...)
}

// CreateMultipart starts an upload whose object will be under the key.
func (k KMSEncrypted) CreateMultipart(ctx context.Context, key string, opts ...Option) (string, error) {
	return amending{Store: k.Store, amend: k.with}.CreateMultipart(ctx, key, opts...)
}

// amending is a Store whose writes' options pass through amend first.
type amending struct {
	Store
	amend func([]Option) []Option
}

func (a amending) Put(ctx context.Context, key string, body io.Reader, size int64, opts ...Option) (ObjectInfo, error) {
	return a.Store.Put(ctx, key, body, size, a.amend(opts)...)
}

func (a amending) CreateMultipart(ctx context.Context, key string, opts ...Option) (string, error) {
	return a.Store.CreateMultipart(ctx, key, a.amend(opts)...)
}
