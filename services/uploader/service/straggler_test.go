package service_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/teststack"
)

// straggling is the bucket as the chaos run left it for the uploader's
// completion of casa-01: another handler completed the upload a moment
// before, while a third handler's UploadPart of a part already recorded
// (a redelivered upload job, its first delivery cut off by the S3 outage)
// was still in flight. versitygw links a part that finishes after the
// completion into a re-created directory of the same upload id, so the
// upload exists again with that part alone (and, its object directory being
// gone, is not listed), and the completion this handler sends is answered
// InvalidPart.
type straggling struct {
	objstore.Store
	once     sync.Once
	uploadID string
}

func (s *straggling) CompleteMultipart(ctx context.Context, key, uploadID string, parts []objstore.Part) (objstore.ObjectInfo, error) {
	s.once.Do(func() {
		s.uploadID = uploadID
		b := bytes.Repeat([]byte{7}, int(objstore.MinPartSize))
		g := teststack.NewGatedBody(b)
		done := make(chan error, 1)
		go func() {
			_, err := s.UploadPart(ctx, key, uploadID, 2, g, int64(len(b)), nil)
			done <- err
		}()
		<-g.Reached()
		_, err := s.Store.CompleteMultipart(ctx, key, uploadID, parts) // the other handler's
		if err != nil {
			panic(err)
		}
		g.Open()
		// On a loaded machine the gateway may see the late part only after
		// the completion and refuse it (NoSuchUpload): the other order,
		// after which this handler's completion finds the upload completed
		// by another, which the uploader handles too.
		if err := <-done; err != nil && !errors.Is(err, objstore.ErrNoSuchUpload) {
			panic(err)
		}
	})
	return s.Store.CompleteMultipart(ctx, key, uploadID, parts)
}

// The upload of a backup is completed by one handler while a duplicate
// UploadPart is in flight; the next handler's completion is answered
// InvalidPart (the chaos run's casa-01). The backup still commits: the
// handler finds the object complete, with the artifact's size, and aborts
// the upload the late part re-created. Before, InvalidPart was retried as
// it came until the job was dead-lettered, and the re-created upload (not
// even listed) stayed in the bucket.
func TestCompletionAnsweredInvalidPartAfterAnotherCompletedIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	store := &straggling{Store: newS3(t)}
	b.startUploader(t, store)

	a := b.stageArtifact(t, "straggled", 3, 5<<20)
	b.publish(t, a)

	key := b.layout.Manifest("tenant", a.tenant, a.backupID)
	teststack.Eventually(t, 10*time.Minute, func() bool {
		if _, err := store.Stat(t.Context(), key); err == nil {
			return true
		}
		return streamMsgs(t, b.n.JS, messages.StreamDLQ, messages.SubjectDLQ) > 0
	}, "the manifest or a dead letter")
	require.Zero(t, streamMsgs(t, b.n.JS, messages.StreamDLQ, messages.SubjectDLQ), "no dead letter")
	m := b.waitForManifest(t, store, a)
	_, sealedSHA, plainSHA := b.objectSHA(t, store, m.Object.Key, a.id)
	require.Equal(t, a.sealedSHA, sealedSHA)
	require.Equal(t, a.plainSHA, plainSHA)

	// The re-created upload is gone: a part sent to it finds no upload.
	require.NotEmpty(t, store.uploadID)
	_, err := store.UploadPart(t.Context(), m.Object.Key, store.uploadID, 3, bytes.NewReader([]byte("probe")), 5, nil)
	require.ErrorIs(t, err, objstore.ErrNoSuchUpload, "the upload re-created by the late part is aborted")
}

// lateCopy is a bucket on which the first upload of part number 2 stalls
// half-sent (versitygw has checked the upload exists) until the object is
// complete: a duplicate upload of a part whose other copy was recorded and
// completed meanwhile.
type lateCopy struct {
	objstore.Store
	once     sync.Once
	uploadID chan string
}

func (l *lateCopy) UploadPart(ctx context.Context, key, uploadID string, n int, r io.Reader, size int64, sum []byte) (objstore.Part, error) {
	gated := false
	if n == 2 {
		l.once.Do(func() { gated = true })
	}
	if !gated {
		return l.Store.UploadPart(ctx, key, uploadID, n, r, size, sum)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return objstore.Part{}, err
	}
	g := teststack.NewGatedBody(b)
	go func() {
		<-g.Reached()
		for {
			if _, err := l.Stat(ctx, key); err == nil || ctx.Err() != nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		g.Open()
	}()
	l.uploadID <- uploadID
	return l.Store.UploadPart(ctx, key, uploadID, n, g, size, sum)
}

// Two deliveries of one upload job: one's UploadPart is still sending when
// the other's copy is recorded and the upload completes. The late copy
// re-creates the upload (versitygw), and its handler, finding the part
// recorded by the other and the object complete, aborts it. Before, it
// recorded its copy over the other's and the re-created upload, holding one
// part and not listed, stayed in the bucket.
func TestLateDuplicatePartLeavesNoUploadBehind(t *testing.T) {
	t.Parallel()
	b := setup(t)
	store := &lateCopy{Store: newS3(t), uploadID: make(chan string, 1)}
	b.startUploader(t, store)

	a := b.stageArtifact(t, "late", 3, 5<<20)
	b.publish(t, a)
	dup := a.parts[1]
	require.NoError(t, jobs.NewPublisher(b.n.JS).Publish(t.Context(), messages.UploadSubject(dup.Artifact, dup.Part), dup,
		messages.PartSealedMsgID(dup.Artifact, dup.Part)+":again"))
	m := b.waitForManifest(t, store, a)
	_, sealedSHA, _ := b.objectSHA(t, store, m.Object.Key, a.id)
	require.Equal(t, a.sealedSHA, sealedSHA)

	id := <-store.uploadID
	teststack.Eventually(t, time.Minute, func() bool {
		_, err := store.Store.UploadPart(t.Context(), m.Object.Key, id, 3, bytes.NewReader([]byte("probe")), 5, nil)
		return errors.Is(err, objstore.ErrNoSuchUpload)
	}, "the upload re-created by the late copy is aborted")
}
