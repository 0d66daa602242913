package s3store_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/teststack"
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

// An UploadPart still sending when its upload completes succeeds, and
// re-creates the upload under the same id with that part alone: the next
// completion is answered InvalidPart (a part before it is missing), though
// the object is complete, and the upload is not listed. (Were the late copy
// the first part listed, the answer would be 500 InternalError: the copy did
// not store the part checksum a plain upload has.) The uploader relies on
// this reading (services/uploader: complete, uploadPart); aborting the id
// removes it.
func TestVersityGWRecreatesAnUploadForAPartLinkedAfterCompletion(t *testing.T) {
	s := newSetup(t, false).store
	// The gateway checks the upload at the start of the late request; on a
	// loaded machine the client may have sent half the body before the
	// handler starts, which then runs after the completion and answers
	// NoSuchUpload (the other order, harmless). Try until the order pinned
	// here happens; if it never does, there is nothing to pin.
	for attempt := range 5 {
		if lateCopyRecreates(t, s, fmt.Sprintf("late-%d", attempt)) {
			return
		}
	}
	t.Skip("the late part reached the gateway after the completion in every attempt (a loaded machine): nothing to pin")
}

// lateCopyRecreates runs the scenario on key; false when the late part was
// refused because the gateway saw it only after the completion.
func lateCopyRecreates(t *testing.T, s *s3store.Store, key string) bool {
	t.Helper()
	ctx := t.Context()
	id, err := s.CreateMultipart(ctx, key)
	require.NoError(t, err)
	a, b, c := bytes.Repeat([]byte{1}, int(objstore.MinPartSize)), bytes.Repeat([]byte{2}, int(objstore.MinPartSize)), []byte("tail")
	var parts []objstore.Part
	for i, body := range [][]byte{a, b, c} {
		p, err := s.UploadPart(ctx, key, id, i+1, bytes.NewReader(body), int64(len(body)), nil)
		require.NoError(t, err)
		parts = append(parts, p)
	}

	g := teststack.NewGatedBody(b)
	late := make(chan error, 1)
	go func() {
		_, err := s.UploadPart(ctx, key, id, 2, g, int64(len(b)), nil)
		late <- err
	}()
	<-g.Reached()
	_, err = s.CompleteMultipart(ctx, key, id, parts)
	require.NoError(t, err)
	g.Open()
	err = <-late
	if errors.Is(err, objstore.ErrNoSuchUpload) {
		return false
	}
	require.NoError(t, err, "the late copy is accepted")

	_, err = s.CompleteMultipart(ctx, key, id, parts)
	require.ErrorIs(t, err, objstore.ErrInvalidPart, "the re-created upload holds the late part alone")
	st, err := s.Stat(ctx, key)
	require.NoError(t, err)
	require.Equal(t, int64(len(a)+len(b)+len(c)), st.Size, "the object is complete")
	for u, err := range s.ListMultipartUploads(ctx, "") {
		require.NoError(t, err)
		t.Logf("listed: %s %s", u.Key, u.UploadID) // not listed in v1.8.0: its object directory was removed
	}

	require.NoError(t, s.AbortMultipart(ctx, key, id))
	_, err = s.UploadPart(ctx, key, id, 3, bytes.NewReader([]byte("probe")), 5, nil)
	require.ErrorIs(t, err, objstore.ErrNoSuchUpload, "aborting the id removes it")
	return true
}
