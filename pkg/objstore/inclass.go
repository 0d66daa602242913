package objstore

import (
	"context"
	"io"
)

// InClass is a Store that writes in Class every object its caller gives
// a storage class: a destination's own class for the objects copied into
// it as they were stored (a base backup taken with --storage-class), where
// the source's class may not exist (MinIO knows STANDARD and
// REDUCED_REDUNDANCY). An object written without a class stays without
// one; an empty Class changes nothing.
type InClass struct {
	Store
	Class string
}

func (c InClass) with(opts []Option) []Option {
	if c.Class == "" || NewOptions(opts...).StorageClass == "" {
		return opts
	}
	return append(opts[:len(opts):len(opts)], WithStorageClass(c.Class))
}

// Put stores under the key.
func (c InClass) Put(ctx context.Context, key string, body io.Reader, size int64, opts ...Option) (ObjectInfo, error) {
	return c.Store.Put(ctx, key, body, size, c.with(opts)...)
}

// CreateMultipart starts an upload whose object will be under the key.
func (c InClass) CreateMultipart(ctx context.Context, key string, opts ...Option) (string, error) {
	return c.Store.CreateMultipart(ctx, key, c.with(opts)...)
}
