package service_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
	encryptor "github.com/arcabackup/arca/services/encryptor/service"
)

// redelivery is an encryptor on real JetStream and staging with a stand-in
// uploader that records every announcement it is handed.
type redelivery struct {
	n      *teststack.NATS
	st     *staging.Store
	kr     *keyring.Keyring
	sealed chan messages.PartSealed
}

func setupRedelivery(t *testing.T, keys func(*keyring.Keyring) encryptor.Keys, take func(messages.PartSealed)) *redelivery {
	t.Helper()
	ctx := t.Context()
	r := &redelivery{n: teststack.NewNATS(t), kr: keyring.New(), sealed: make(chan messages.PartSealed, 8)}
	require.NoError(t, jobs.EnsureStreams(ctx, r.n.JS, jobs.StreamOptions{}))
	var err error
	r.st, err = staging.Ensure(ctx, r.n.JS, staging.Options{})
	require.NoError(t, err)
	_, err = r.kr.Rotate("")
	require.NoError(t, err)
	enc, err := encryptor.New(encryptor.Deps{JS: r.n.JS, Staging: r.st, Keys: keys(r.kr)}, encryptor.Config{})
	require.NoError(t, err)
	uploader := jobs.NewWorker(r.n.JS, jobs.Stage{Name: messages.StageUpload, Subject: messages.SubjectUpload},
		func(ctx context.Context, j *jobs.Job[messages.PartSealed]) error {
			if take != nil {
				take(j.Msg)
			}
			r.sealed <- j.Msg
			return nil
		}, jobs.Config{})
	teststack.Background(t, "encryptor", enc.Run)
	teststack.Background(t, "upload collector", uploader.Run)
	return r
}

// part stages a plaintext part (version 1, the last of its artifact) and
// returns its encrypt job, unpublished.
func (r *redelivery) part(t *testing.T, plain []byte) messages.PartReady {
	t.Helper()
	backupID := messages.BackupID(messages.KindTenant, "r1", "acme", time.Now().UTC())
	art := messages.ArtifactID(backupID, 1)
	info, err := r.st.Put(t.Context(), staging.PlainKey(art, 0), bytes.NewReader(plain), nil)
	require.NoError(t, err)
	return messages.PartReady{V: messages.Version, ArtifactPart: messages.ArtifactPart{Artifact: art, Tenant: "acme", Kind: messages.KindTenant, BackupID: backupID, Part: 0, Last: true}, Size: info.Size, SHA256: info.SHA256, StagingKey: staging.PlainKey(art, 0)}
}

func (r *redelivery) publish(t *testing.T, m messages.PartReady, msgID string) {
	t.Helper()
	require.NoError(t, jobs.NewPublisher(r.n.JS).Publish(t.Context(), messages.EncryptSubject(m.Artifact, m.Part), m, msgID))
}

// events follows the encrypt stage's events of m's backup with status.
func events(t *testing.T, js jetstream.JetStream, m messages.PartReady, status messages.Status) jetstream.Consumer {
	t.Helper()
	c, err := js.OrderedConsumer(t.Context(), messages.StreamEvents, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{messages.EventSubject(m.Tenant, m.BackupID, messages.StageEncrypt, status)}})
	require.NoError(t, err)
	return c
}

// nextEvent waits (a minute at the most) for c's next event.
func nextEvent(t *testing.T, c jetstream.Consumer) messages.Event {
	t.Helper()
	msg, err := c.Next(jetstream.FetchMaxWait(time.Minute))
	require.NoError(t, err)
	ev, err := messages.Decode[messages.Event](msg.Data())
	require.NoError(t, err)
	return ev
}

// overtaken runs another delivery of the same job to its end (sealed,
// stored, announced) right after this delivery found nothing staged and
// before it stores its own part: the window a redelivery opens when the
// first delivery was cut off from the cluster and still runs.
type overtaken struct {
	*keyring.Keyring
	once  sync.Once
	other func()
}

func (o *overtaken) Primary(tenant string) (seal.KEK, error) {
	o.once.Do(o.other)
	return o.Keyring.Primary(tenant)
}

// Two deliveries of one encrypt job seal the part at once; the one that
// stores it second finds the other's part in place and announces that one,
// so the announcement that stands (the first, the others being duplicates
// of its message id) names the bytes in staging. Before, the second put
// replaced the announced part with a different sealing (a fresh data key)
// and the uploader dead-lettered it: "staged part does not match its
// announcement".
func TestConcurrentDeliveriesOfAnEncryptJobKeepTheAnnouncedPart(t *testing.T) {
	t.Parallel()
	plain := make([]byte, 256<<10)
	_, _ = rand.Read(plain)
	var r *redelivery
	var m messages.PartReady
	r = setupRedelivery(t, func(kr *keyring.Keyring) encryptor.Keys {
		return &overtaken{Keyring: kr, other: func() {
			// The other delivery: what the encryptor does, by hand.
			ctx := context.Background()
			kek, err := kr.Primary(m.Tenant)
			require.NoError(t, err)
			sealer, err := seal.NewSealer()
			require.NoError(t, err)
			var buf bytes.Buffer
			_, err = sealer.Seal(ctx, &buf, bytes.NewReader(plain), seal.Part{Artifact: m.Artifact, Index: 0, Last: true}, kek)
			require.NoError(t, err)
			key := staging.SealedKey(m.Artifact, 0)
			info, err := r.st.Put(ctx, key, &buf, map[string]string{"key-id": kek.ID})
			require.NoError(t, err)
			require.NoError(t, jobs.NewPublisher(r.n.JS).Publish(ctx, messages.UploadSubject(m.Artifact, 0), messages.PartSealed{
				V:            messages.Version,
				ArtifactPart: messages.ArtifactPart{Artifact: m.Artifact, Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID, Part: 0, Last: true},
				PlainSize:    m.Size, Size: info.Size, SHA256: info.SHA256, KeyID: kek.ID, StagingKey: key,
			}, messages.PartSealedMsgID(m.Artifact, 0)))
		}}
	}, nil)
	m = r.part(t, plain)
	done := events(t, r.n.JS, m, messages.StatusProgress)
	r.publish(t, m, messages.PartReadyMsgID(m.Artifact, 0))

	announced := <-r.sealed
	ev := nextEvent(t, done) // this delivery's own announcement is made (and dropped as a duplicate)
	require.Equal(t, 0, *ev.Part)

	staged, err := r.st.Stat(t.Context(), announced.StagingKey)
	require.NoError(t, err)
	require.Equal(t, announced.SHA256, staged.SHA256, "the staged part is the announced one")
	require.Equal(t, announced.Size, staged.Size)
	_, err = r.st.Stat(t.Context(), m.StagingKey)
	require.ErrorIs(t, err, staging.ErrNotFound, "the plaintext is deleted")
	select {
	case p := <-r.sealed:
		t.Fatalf("a second announcement of the part: %+v", p)
	default:
	}
}

// A delivery of a job whose part an earlier delivery sealed and announced,
// and the uploader has taken since (read, uploaded, deleted from staging),
// has nothing left to do: it succeeds, seals nothing and announces nothing.
// Before, it found the plaintext gone and dead-lettered the job (or, when
// the earlier delivery stopped before deleting the plaintext, sealed the
// part again into staging where nothing would ever take it).
func TestRedeliveryAfterTheUploaderTookThePartSucceedsAndStagesNothing(t *testing.T) {
	t.Parallel()
	plain := make([]byte, 256<<10)
	_, _ = rand.Read(plain)
	var r *redelivery
	r = setupRedelivery(t, func(kr *keyring.Keyring) encryptor.Keys { return kr }, func(p messages.PartSealed) {
		require.NoError(t, r.st.Delete(context.Background(), p.StagingKey)) // uploaded and hashed
	})
	m := r.part(t, plain)
	progress := events(t, r.n.JS, m, messages.StatusProgress)
	r.publish(t, m, messages.PartReadyMsgID(m.Artifact, 0))
	<-r.sealed
	nextEvent(t, progress)

	// The same job again (a redelivery: the first delivery's ack was lost
	// before the ledger recorded it).
	r.publish(t, m, messages.PartReadyMsgID(m.Artifact, 0)+":again")
	jobsStream, err := r.n.JS.Stream(t.Context(), messages.StreamJobs)
	require.NoError(t, err)
	teststack.Eventually(t, time.Minute, func() bool {
		_, err := jobsStream.GetLastMsgForSubject(t.Context(), messages.EncryptSubject(m.Artifact, 0))
		return errors.Is(err, jetstream.ErrMsgNotFound)
	}, "the redelivered job is acknowledged")
	events, err := r.n.JS.Stream(t.Context(), messages.StreamEvents)
	require.NoError(t, err)
	_, err = events.GetLastMsgForSubject(t.Context(), messages.EventSubject(m.Tenant, m.BackupID, messages.StageEncrypt, messages.StatusDeadLettered))
	require.ErrorIs(t, err, jetstream.ErrMsgNotFound, "not dead-lettered")
	names, err := r.st.List(t.Context())
	require.NoError(t, err)
	require.Empty(t, names, "nothing sealed again")
	select {
	case p := <-r.sealed:
		t.Fatalf("a second announcement of the part: %+v", p)
	default:
	}
}
