package service_test

import (
	"context"
	"io"
	"iter"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/teststack"
)

// heldComplete is a store whose first CompleteMultipart waits until the
// test releases it: that committer is overtaken by another.
type heldComplete struct {
	objstore.Store
	first   atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func (s *heldComplete) CompleteMultipart(ctx context.Context, key, id string, parts []objstore.Part) (objstore.ObjectInfo, error) {
	if s.first.CompareAndSwap(false, true) {
		close(s.entered)
		<-s.release
	}
	return s.Store.CompleteMultipart(ctx, key, id, parts)
}

// Two handlers commit the same artifact: the one that hashed the last part,
// and a repeat of an earlier part (a redelivery after a "nats: timeout")
// that finds the chain complete. The second finishes first and deletes the
// export facts; the first must then succeed, not dead-letter with "export
// facts missing from staging" (a false failure that kept a verified backup's
// run failed and fired an alert).
func TestSecondCommitOfACommittedArtifactSucceeds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	fs, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	store := &heldComplete{Store: fs, entered: make(chan struct{}), release: make(chan struct{})}
	b.startUploader(t, store)

	a := b.stageArtifact(t, "twice", 3, 5<<20)
	b.publish(t, a)
	select {
	case <-store.entered:
	case <-time.After(120 * time.Second):
		t.Fatal("no commit started")
	}
	// The repeat, under another id so that it is not dropped as a duplicate.
	again := a.parts[0]
	require.NoError(t, jobs.NewPublisher(b.n.JS).Publish(t.Context(), messages.UploadSubject(again.Artifact, again.Part), again, "repeat:"+again.Artifact))
	m := b.waitForManifest(t, store, a)
	close(store.release)

	teststack.Eventually(t, 60*time.Second, func() bool {
		return streamMsgs(t, b.n.JS, messages.StreamJobs, messages.Filter(messages.SubjectUpload)) == 0
	}, "every upload job acked")
	require.Zero(t, streamMsgs(t, b.n.JS, messages.StreamDLQ, messages.SubjectDLQ), "no dead letter")
	require.Zero(t, streamMsgs(t, b.n.JS, messages.StreamEvents, "events.*.*.upload.dead_lettered"))
	require.Equal(t, 1, streamMsgs(t, b.n.JS, messages.StreamEvents, "events.*.*.upload.succeeded"))
	require.Equal(t, 1, streamMsgs(t, b.n.JS, messages.StreamJobs, messages.Filter(messages.SubjectVerify)), "one verify job")
	_, sealedSHA, _ := b.objectSHA(t, store, m.Object.Key, a.id)
	require.Equal(t, m.Object.SHA256, sealedSHA)
}

// laggingStore shows a freshly written data object only after lag, as some
// S3 servers did (data.arca appeared 1.5-2 s after manifest.json), and
// records whether a manifest was written while its data was not visible.
type laggingStore struct {
	objstore.Store
	lag time.Duration

	mu             sync.Mutex
	visibleAt      map[string]time.Time
	inFlight       map[string]int // writes of the key under way
	manifestsEarly int
}

// writing hides a new key while it is being written (a redelivered commit's
// Stat must not see it appear before the lag starts, as it did between the
// inner store's write and the lag being set), and done starts the lag once
// the first write succeeded. A key once visible stays visible, as an
// overwritten S3 object does.
func (s *laggingStore) writing(key string) (done func(error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight[key]++
	return func(err error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.inFlight[key]--
		if _, seen := s.visibleAt[key]; err == nil && !seen {
			s.visibleAt[key] = time.Now().Add(s.lag)
		}
	}
}

func (s *laggingStore) hidden(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.visibleAt[key]
	if !ok {
		return s.inFlight[key] > 0
	}
	return time.Now().Before(at)
}

func (s *laggingStore) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.Option) (objstore.ObjectInfo, error) {
	if dir, ok := strings.CutSuffix(key, "/"+backup.ManifestObject); ok && s.hidden(dir+"/"+backup.DataObject) {
		s.mu.Lock()
		s.manifestsEarly++
		s.mu.Unlock()
	}
	if !strings.HasSuffix(key, "/"+backup.DataObject) {
		return s.Store.Put(ctx, key, r, size, opts...)
	}
	done := s.writing(key)
	info, err := s.Store.Put(ctx, key, r, size, opts...)
	done(err)
	return info, err
}

func (s *laggingStore) CompleteMultipart(ctx context.Context, key, id string, parts []objstore.Part) (objstore.ObjectInfo, error) {
	done := s.writing(key)
	info, err := s.Store.CompleteMultipart(ctx, key, id, parts)
	done(err)
	return info, err
}

func (s *laggingStore) Stat(ctx context.Context, key string) (objstore.ObjectInfo, error) {
	if s.hidden(key) {
		return objstore.ObjectInfo{}, objstore.ErrNotFound
	}
	return s.Store.Stat(ctx, key)
}

func (s *laggingStore) Get(ctx context.Context, key string, rng objstore.Range) (io.ReadCloser, error) {
	if s.hidden(key) {
		return nil, objstore.ErrNotFound
	}
	return s.Store.Get(ctx, key, rng)
}

// The manifest, the commit point, is written only once the completed object
// is visible with its size and checksum, for single-part and multipart
// artifacts alike.
func TestManifestIsWrittenOnlyAfterTheObjectIsConfirmed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	fs, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	store := &laggingStore{Store: fs, lag: 1500 * time.Millisecond, visibleAt: map[string]time.Time{}, inFlight: map[string]int{}}
	b.startUploader(t, store)

	single := b.stageArtifact(t, "lag-1", 1, 1<<20)
	multi := b.stageArtifact(t, "lag-3", 3, 5<<20)
	b.publish(t, single)
	b.publish(t, multi)
	for _, a := range []*artifact{single, multi} {
		m := b.waitForManifest(t, store, a)
		_, sealedSHA, _ := b.objectSHA(t, store, m.Object.Key, a.id)
		require.Equal(t, m.Object.SHA256, sealedSHA)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	require.Zero(t, store.manifestsEarly, "a manifest was written before its data was visible")
	require.Zero(t, streamMsgs(t, b.n.JS, messages.StreamDLQ, messages.SubjectDLQ))
}

// An export attempt that failed after some of its parts were uploaded is
// superseded by the next attempt; once that one commits, the first
// attempt's multipart upload is aborted at once, not left for prune's
// 7-day limit (about one artifact of orphaned bytes per exporter retry).
func TestSupersededAttemptsUploadIsAbortedWhenTheBackupCommits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	b.startUploader(t, store)

	first := b.stageArtifact(t, "retried", 3, 5<<20)
	pub := jobs.NewPublisher(b.n.JS)
	for _, p := range first.parts[:2] { // the export died before its last part
		require.NoError(t, pub.Publish(t.Context(), messages.UploadSubject(p.Artifact, p.Part), p, messages.PartSealedMsgID(p.Artifact, p.Part)))
	}
	teststack.Eventually(t, 60*time.Second, func() bool {
		return streamMsgs(t, b.n.JS, messages.StreamJobs, messages.Filter(messages.SubjectUpload)) == 0 && noUploadsLeft(t, store) == 1
	}, "the first attempt's parts uploaded")

	second := b.stageAttempt(t, first.backupID, 2, "retried", 2, 5<<20)
	b.publish(t, second)
	m := b.waitForManifest(t, store, second)
	require.Equal(t, second.id, m.Artifact)
	teststack.Eventually(t, 10*time.Second, func() bool { return noUploadsLeft(t, store) == 0 }, "the superseded upload aborted")
}

// listings counts the multipart listings sent to a store.
type listings struct {
	objstore.Store
	n atomic.Int32
}

func (l *listings) ListMultipartUploads(ctx context.Context, prefix string) iter.Seq2[objstore.Upload, error] {
	l.n.Add(1)
	return l.Store.ListMultipartUploads(ctx, prefix)
}

// A backup committed by a one-part artifact sends no multipart listing
// unless an attempt of it uploaded in parts; then the upload that attempt
// left is aborted at once, as after a commit in parts.
func TestOnePartCommitListsUploadsOnlyAfterAnAttemptInParts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	fs, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	store := &listings{Store: fs}
	b.startUploader(t, store)
	uploadsDone := func() bool {
		return streamMsgs(t, b.n.JS, messages.StreamJobs, messages.Filter(messages.SubjectUpload)) == 0
	}

	small := b.stageArtifact(t, "small", 1, 1<<20)
	b.publish(t, small)
	b.waitForManifest(t, store, small)
	teststack.Eventually(t, 60*time.Second, uploadsDone, "the one-part backup's job done")
	require.Zero(t, store.n.Load(), "a one-part backup no attempt uploaded in parts lists nothing")

	// Above the S3 minimum a store may put the one part in parts of its
	// own (s3store above its part size): an attempt killed mid-put leaves
	// an upload, so the commit looks.
	large := b.stageArtifact(t, "large", 1, 6<<20)
	b.publish(t, large)
	b.waitForManifest(t, store, large)
	teststack.Eventually(t, 60*time.Second, uploadsDone, "the large one-part backup's job done")
	require.Positive(t, store.n.Load(), "a one-part backup above the S3 minimum part size lists the uploads left")

	first := b.stageArtifact(t, "shrunk", 3, 5<<20)
	pub := jobs.NewPublisher(b.n.JS)
	for _, p := range first.parts[:2] { // the export died before its last part
		require.NoError(t, pub.Publish(t.Context(), messages.UploadSubject(p.Artifact, p.Part), p, messages.PartSealedMsgID(p.Artifact, p.Part)))
	}
	teststack.Eventually(t, 60*time.Second, func() bool { return uploadsDone() && noUploadsLeft(t, fs) == 1 }, "the first attempt's parts uploaded")
	second := b.stageAttempt(t, first.backupID, 2, "shrunk", 1, 1<<20)
	b.publish(t, second)
	m := b.waitForManifest(t, store, second)
	require.Equal(t, second.id, m.Artifact)
	teststack.Eventually(t, 10*time.Second, func() bool { return noUploadsLeft(t, fs) == 0 }, "the superseded upload aborted")
}
