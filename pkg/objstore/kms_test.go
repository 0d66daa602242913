package objstore_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
)

// kmsOf records the SSE-KMS key of each write.
type kmsOf struct {
	objstore.Store
	keys map[string]string
}

func (r kmsOf) Put(ctx context.Context, key string, body io.Reader, size int64, opts ...objstore.Option) (objstore.ObjectInfo, error) {
	r.keys[key] = objstore.NewOptions(opts...).SSEKMSKeyID
	return r.Store.Put(ctx, key, body, size, opts...)
}

func (r kmsOf) CreateMultipart(ctx context.Context, key string, opts ...objstore.Option) (string, error) {
	r.keys[key] = objstore.NewOptions(opts...).SSEKMSKeyID
	return r.Store.CreateMultipart(ctx, key, opts...)
}

func TestKMSEncryptedWritesUnderItsKeyUnlessTheCallerNamesOne(t *testing.T) {
	fs, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	rec := kmsOf{Store: fs, keys: map[string]string{}}
	s := objstore.KMSEncrypted{Store: rec, KeyID: "arn:dr"}
	_, err = s.Put(t.Context(), "wal/1", strings.NewReader("x"), 1)
	require.NoError(t, err)
	_, err = s.Put(t.Context(), "wal/2", strings.NewReader("x"), 1, objstore.WithSSEKMS("arn:own"))
	require.NoError(t, err)
	id, err := s.CreateMultipart(t.Context(), "base/x/data.arca")
	require.NoError(t, err)
	require.NoError(t, s.AbortMultipart(t.Context(), "base/x/data.arca", id))
	_, err = objstore.KMSEncrypted{Store: rec}.Put(t.Context(), "wal/3", strings.NewReader("x"), 1)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"wal/1": "arn:dr", "wal/2": "arn:own", "base/x/data.arca": "arn:dr", "wal/3": ""}, rec.keys)
}
