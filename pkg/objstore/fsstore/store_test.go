package fsstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/objstore/storetest"
)

func TestConformance(t *testing.T) {
	open := func(t *testing.T, dir string) objstore.Store {
		s, err := fsstore.New(dir)
		require.NoError(t, err)
		return s
	}
	storetest.Run(t, func(t *testing.T) objstore.Store {
		return open(t, t.TempDir())
	}, storetest.Features{
		Reopen:                 func(t *testing.T, s objstore.Store) objstore.Store { return open(t, s.(*fsstore.Store).Dir()) },
		Tags:                   true,
		StorageClasses:         []string{"STANDARD_IA", "GLACIER", "DEEP_ARCHIVE"},
		ObjectLock:             true,
		WholeSHA256OfMultipart: true,
	})
}
