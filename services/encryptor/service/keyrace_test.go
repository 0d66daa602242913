package service_test

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
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

// pinHook is the live keyring with a hook run once, in the first Pin: right
// after the first delivery has sealed and stored its part, before it asks
// whether the epoch it sealed under is still held.
type pinHook struct {
	*keyring.Live
	first atomic.Bool
	hook  func()
}

func (p *pinHook) Pin(epoch uint64) (func(), bool) {
	if p.first.CompareAndSwap(false, true) { // not a sync.Once: the other delivery's Pin must not wait
		p.hook()
	}
	return p.Live.Pin(epoch)
}

// Two deliveries of one encrypt job race across a keyring rotation. The
// first seals the part under the tenant's old key and stores it; the
// rotation is loaded before it announces, so it must not announce that
// part. Meanwhile the second delivery (a redelivery, or the job's other
// copy on another replica) finds the stored part, still openable under
// the new keyring, and announces it. The first delivery then must not
// delete that part and seal it again under the new key: the uploader has
// been handed the first part's digest and key id, and the announcement that
// stands is the first (the other is a duplicate of its message id).
// Before the fix (the second delivery's claim, staging.Claim, and the
// first's DeleteUnchanged), the first delivery deleted the part it had
// stored; the second had deleted the plaintext before announcing, so the
// first found nothing left to seal and succeeded: the announced part was
// gone from staging and the backup lost it ("not in staging" below).
func TestDeliveriesRacingAcrossAKeyringChangeAnnounceThePartStored(t *testing.T) {
	t.Parallel()
	var b *epochBundle
	var m messages.PartReady
	var second messages.PartSealed
	b = setupEpoch(t, func(live *keyring.Live) encryptor.Keys {
		return &pinHook{Live: live, hook: func() {
			ctx := context.Background()
			e := b.src.change(t, func(kr *keyring.Keyring) error { _, err := kr.Rotate("acme"); return err })
			live.Observe(e)
			if err := live.Advance(ctx, e); err != nil {
				t.Error(err)
				return
			}
			// The job's other delivery, while this one waits in Pin.
			if err := jobs.NewPublisher(b.n.JS).Publish(ctx, messages.EncryptSubject(m.Artifact, 0), m, messages.PartReadyMsgID(m.Artifact, 0)+":again"); err != nil {
				t.Error(err)
				return
			}
			select {
			case second = <-b.sealed:
			case <-time.After(time.Minute):
				t.Error("the second delivery announced nothing within a minute")
			}
		}}
	})
	var plain []byte
	m, plain = b.stage(t, "acme")
	ctx := t.Context()

	jobsStream, err := b.n.JS.Stream(ctx, messages.StreamJobs)
	require.NoError(t, err)
	teststack.Eventually(t, time.Minute, func() bool {
		_, err := jobsStream.GetLastMsgForSubject(ctx, messages.EncryptSubject(m.Artifact, 0))
		return errors.Is(err, jetstream.ErrMsgNotFound)
	}, "both deliveries are acknowledged")
	require.NotEmpty(t, second.SHA256, "the second delivery announced the part")
	select {
	case p := <-b.sealed:
		// Only a duplicate of the first would be harmless; the stream drops it.
		t.Fatalf("a second announcement of the part reached the uploader: %+v", p)
	default:
	}

	staged, err := b.st.Stat(ctx, second.StagingKey)
	require.NoError(t, err, "the announced part is in staging")
	require.Equal(t, second.SHA256, staged.SHA256, "the staged part is the announced one")
	require.Equal(t, second.Size, staged.Size)
	require.Equal(t, second.KeyID, staged.Meta["key-id"], "the staged part's key is the announced one")
	_, err = b.st.Stat(ctx, m.StagingKey)
	require.ErrorIs(t, err, staging.ErrNotFound, "the plaintext is deleted")

	// What the uploader and the verifier do with it: open it under the
	// keyring they hold now (the new epoch), by the key its header names.
	rc, _, err := b.st.Get(ctx, second.StagingKey)
	require.NoError(t, err)
	defer func() { _ = rc.Close() }()
	rec := &liveLookups{live: b.live}
	got, err := io.ReadAll(seal.NewReader(rc, second.Artifact, rec))
	require.NoError(t, err)
	require.Equal(t, plain, got)
	require.Equal(t, []string{second.KeyID}, rec.ids, "the header names the announced key")
}

type liveLookups struct {
	live *keyring.Live
	ids  []string
}

func (l *liveLookups) Key(id string) (seal.KEK, error) {
	l.ids = append(l.ids, id)
	return l.live.Key(id)
}
