package objstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
)

func TestRetainedStampsARetentionOnEveryWriteThatHasNone(t *testing.T) {
	fs, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	s := objstore.Retained{Store: fs, Mode: objstore.LockCompliance, Retain: 24 * time.Hour, Now: func() time.Time { return now }}
	_, err = s.Put(t.Context(), "wal/1", strings.NewReader("x"), 1)
	require.NoError(t, err)
	info, err := fs.Stat(t.Context(), "wal/1")
	require.NoError(t, err)
	require.Equal(t, objstore.LockCompliance, info.Lock.Mode)
	require.Equal(t, now.Add(24*time.Hour), info.Lock.RetainUntil.UTC())

	// The caller's own retention wins.
	own := now.Add(90 * 24 * time.Hour)
	_, err = s.Put(t.Context(), "tenants/a/b/data.arca", strings.NewReader("x"), 1, objstore.WithObjectLock(objstore.LockGovernance, own))
	require.NoError(t, err)
	info, err = fs.Stat(t.Context(), "tenants/a/b/data.arca")
	require.NoError(t, err)
	require.Equal(t, objstore.LockGovernance, info.Lock.Mode)
	require.Equal(t, own, info.Lock.RetainUntil.UTC())

	id, err := s.CreateMultipart(t.Context(), "base/x/data.arca")
	require.NoError(t, err)
	require.NoError(t, s.AbortMultipart(t.Context(), "base/x/data.arca", id))
}
