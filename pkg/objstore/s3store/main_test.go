package s3store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/teststack"
)

// gw is the package's one versitygw; every test makes its own bucket.
var gw *teststack.VersityGW

func TestMain(m *testing.M) {
	teststack.VersityGWMain(m, func(g *teststack.VersityGW) { gw = g })
}

// setup is a test's bundle: a store on a fresh bucket of the shared gateway.
type setup struct {
	store  *s3store.Store
	bucket string
	cfg    s3store.Config
}

func newSetup(t *testing.T, objectLock bool, tweak ...func(*s3store.Config)) setup {
	t.Helper()
	bucket := gw.NewBucket(t, objectLock)
	cfg := s3store.Config{
		Endpoint: gw.Endpoint, Region: gw.Region, Bucket: bucket, PathStyle: true,
		AccessKey: gw.AccessKey, SecretKey: gw.SecretKey,
		MaxBackoff: 200 * time.Millisecond,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	return setup{store: open(t, cfg), bucket: bucket, cfg: cfg}
}

func open(t *testing.T, cfg s3store.Config) *s3store.Store {
	t.Helper()
	s, err := s3store.New(t.Context(), cfg)
	require.NoError(t, err)
	return s
}

func newStoreErr(t *testing.T) (*s3store.Store, error) {
	return s3store.New(t.Context(), s3store.Config{AccessKey: "k"})
}
