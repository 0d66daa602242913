package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
)

func testTagsAndStorageClass(t *testing.T, s objstore.Store, f Features) {
	if !f.Tags && len(f.StorageClasses) == 0 {
		t.Skip("feature: neither Tags nor StorageClasses")
	}
	tags := map[string]string{"DataType": "HealthRecords", "Tenant": "t 1/ç", "Kind": "tenant-export"}
	class := ""
	if len(f.StorageClasses) > 0 {
		class = f.StorageClasses[0]
	}
	check := func(key string) {
		st, err := s.Stat(t.Context(), key)
		require.NoError(t, err)
		if f.Tags {
			require.Equal(t, tags, st.Tags)
		}
		if class != "" {
			require.Equal(t, class, st.StorageClass)
		}
	}
	for _, c := range f.StorageClasses {
		put(t, s, "class/"+c, []byte(c), objstore.WithStorageClass(c))
		st, err := s.Stat(t.Context(), "class/"+c)
		require.NoError(t, err)
		require.Equal(t, c, st.StorageClass)
	}
	put(t, s, "tagged", []byte("x"), objstore.WithTags(tags), objstore.WithStorageClass(class))
	check("tagged")

	parts := artifact(50, 2)
	id, err := s.CreateMultipart(t.Context(), "tagged-mp", objstore.WithTags(tags), objstore.WithStorageClass(class))
	require.NoError(t, err)
	_, err = s.CompleteMultipart(t.Context(), "tagged-mp", id, uploadParts(t, []objstore.Store{s}, "tagged-mp", id, parts, 2))
	require.NoError(t, err)
	check("tagged-mp")
}

func testObjectLock(t *testing.T, s objstore.Store, f Features) {
	if !f.ObjectLock {
		t.Skip("feature: ObjectLock")
	}
	until := time.Now().Add(3 * time.Second).Truncate(time.Second).Add(time.Second)
	data := []byte("manifest")
	put(t, s, "locked/manifest.json", data, objstore.WithObjectLock(objstore.LockCompliance, until))
	st, err := s.Stat(t.Context(), "locked/manifest.json")
	require.NoError(t, err)
	require.Equal(t, objstore.LockCompliance, st.Lock.Mode)
	require.WithinDuration(t, until, st.Lock.RetainUntil, time.Second)

	err = s.Delete(t.Context(), "locked/manifest.json")
	require.ErrorIs(t, err, objstore.ErrLocked)
	var locked *objstore.LockedError
	require.ErrorAs(t, err, &locked)
	require.Equal(t, "locked/manifest.json", locked.Key)
	require.Equal(t, data, readAll(t, s, "locked/manifest.json"), "still readable")

	// A multipart object carries the retention too.
	parts := artifact(60, 2)
	id, err := s.CreateMultipart(t.Context(), "locked/data.arca", objstore.WithObjectLock(objstore.LockGovernance, until))
	require.NoError(t, err)
	_, err = s.CompleteMultipart(t.Context(), "locked/data.arca", id, uploadParts(t, []objstore.Store{s}, "locked/data.arca", id, parts, 2))
	require.NoError(t, err)
	require.ErrorIs(t, s.Delete(t.Context(), "locked/data.arca"), objstore.ErrLocked)

	// Once retention ends, Delete really deletes.
	require.Eventually(t, func() bool {
		return s.Delete(t.Context(), "locked/manifest.json") == nil && s.Delete(t.Context(), "locked/data.arca") == nil
	}, 15*time.Second, 200*time.Millisecond)
	for _, k := range []string{"locked/manifest.json", "locked/data.arca"} {
		_, err = s.Stat(t.Context(), k)
		require.ErrorIs(t, err, objstore.ErrNotFound)
	}
	require.Empty(t, keys(t, s, "locked/"))
}
