package s3store_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
)

// What versitygw v1.8.0 (posix) does with the settings the conformance
// suite cannot check on it; a change in the gateway shows up here.
func TestVersityGWAcceptsButDropsStorageClass(t *testing.T) {
	s := newSetup(t, false).store
	_, err := s.Put(t.Context(), "k", bytes.NewReader([]byte("x")), 1, objstore.WithStorageClass("GLACIER"))
	require.NoError(t, err)
	st, err := s.Stat(t.Context(), "k")
	require.NoError(t, err)
	require.Empty(t, st.StorageClass, "versitygw reports every object as STANDARD")
}

func TestLegalHoldRefusesDelete(t *testing.T) {
	s := newSetup(t, true).store
	_, err := s.Put(t.Context(), "held", bytes.NewReader([]byte("x")), 1, objstore.WithLegalHold())
	require.NoError(t, err)
	st, err := s.Stat(t.Context(), "held")
	require.NoError(t, err)
	require.True(t, st.Lock.LegalHold)
	err = s.Delete(t.Context(), "held")
	require.ErrorIs(t, err, objstore.ErrLocked)
	var locked *objstore.LockedError
	require.ErrorAs(t, err, &locked)
	require.True(t, locked.Lock.LegalHold)
}

func TestCompositeChecksumMatchesRecordedParts(t *testing.T) {
	s := newSetup(t, false).store
	id, err := s.CreateMultipart(t.Context(), "mp")
	require.NoError(t, err)
	a, b := bytes.Repeat([]byte{1}, int(objstore.MinPartSize)), []byte("tail")
	p1, err := s.UploadPart(t.Context(), "mp", id, 1, bytes.NewReader(a), int64(len(a)), nil)
	require.NoError(t, err)
	p2, err := s.UploadPart(t.Context(), "mp", id, 2, struct{ *bytes.Reader }{bytes.NewReader(b)}, int64(len(b)), nil)
	require.NoError(t, err)
	_, err = s.CompleteMultipart(t.Context(), "mp", id, []objstore.Part{p1, p2})
	require.NoError(t, err)
	st, err := s.Stat(t.Context(), "mp")
	require.NoError(t, err)
	require.Equal(t, 2, st.Parts)
	require.Equal(t, objstore.CompositeSHA256([][]byte{p1.SHA256, p2.SHA256}), st.CompositeSHA256)
	require.Nil(t, st.SHA256, "S3 knows no full SHA-256 of a multipart object")
}

func TestConfigErrorsAreReportedTogether(t *testing.T) {
	_, err := newStoreErr(t)
	require.ErrorContains(t, err, "region is required")
	require.ErrorContains(t, err, "bucket is required")
}
