package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore/faultproxy"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/teststack"
	uploader "github.com/arcabackup/arca/services/uploader/service"
)

// A backup goes to the primary (versitygw), to a directory and to a second
// versitygw that is down while it is uploaded: the primary and the
// directory get their copies and verify jobs at once, the unreachable
// destination's copy fails (copy.failed events, which page copy-missing)
// and is retried on its own, and completes once the destination is back.
func TestEachDestinationGetsItsCopyAndADownOneCatchesUp(t *testing.T) {
	t.Parallel()
	b := setup(t)
	primary := newS3(t)
	local, err := fsstore.New(t.TempDir())
	require.NoError(t, err)

	gw := teststack.NewVersityGW(t)
	var down atomic.Bool
	down.Store(true)
	proxy, err := faultproxy.Start(faultproxy.Config{Target: gw.Endpoint, Decide: faultproxy.While(&down, faultproxy.Reset)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = proxy.Close() })
	dr, err := s3store.New(t.Context(), s3store.Config{Endpoint: proxy.URL, Region: gw.Region, Bucket: gw.NewBucket(t, false),
		PathStyle: true, AccessKey: gw.AccessKey, SecretKey: gw.SecretKey, MaxAttempts: 2, MaxBackoff: 50 * time.Millisecond})
	require.NoError(t, err)

	_, js := teststack.Connect(t, b.n.URL)
	up, err := uploader.New(uploader.Deps{JS: js, Staging: b.staging, Store: primary, Keys: b.keys}, uploader.Config{Layout: b.layout, Worker: quiet(),
		Copies: []uploader.Copy{{Name: "local", Store: local}, {Name: "dr", Store: dr, Kinds: []string{"tenant"}}, {Name: "fulls-only", Store: local, Kinds: []string{"full"}}}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := up.Run(ctx); err != nil {
			t.Errorf("uploader: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })

	a := b.stageArtifact(t, "casa-1", 3, 5<<20)
	b.publish(t, a)
	m := b.waitForManifest(t, primary, a)
	ml := b.waitForManifest(t, local, a)
	require.Equal(t, m.Object.SHA256, ml.Object.SHA256)
	_, sealedSHA, plainSHA := b.objectSHA(t, local, m.Object.Key, a.id)
	require.Equal(t, m.Object.SHA256, sealedSHA, "the directory's copy is the primary's object")
	require.Equal(t, a.plainSHA, plainSHA)

	// The down destination's copy failed, said so, and waits for its retry.
	teststack.Eventually(t, 120*time.Second, func() bool {
		return len(copyEvents(t, b.n.JS, messages.StatusFailed, "dr")) > 0
	}, "a copy.failed event for dr")
	_, err = dr.Stat(t.Context(), b.layout.Manifest("tenant", a.tenant, a.backupID))
	require.Error(t, err)

	down.Store(false)
	md := b.waitForManifest(t, dr, a)
	require.Equal(t, m.Object.SHA256, md.Object.SHA256)
	_, sealedSHA, _ = b.objectSHA(t, dr, m.Object.Key, a.id)
	require.Equal(t, m.Object.SHA256, sealedSHA)

	// One verify job per copy: the primary's, local's and dr's; none for
	// the destination that takes fulls only.
	teststack.Eventually(t, 60*time.Second, func() bool {
		return streamMsgs(t, b.n.JS, messages.StreamJobs, messages.Filter(messages.SubjectVerify)) == 3
	}, "three verify jobs")
	verifies := verifyJobs(t, b.n.JS)
	require.ElementsMatch(t, []string{"", "local", "dr"}, verifies)
	require.Len(t, copyEvents(t, b.n.JS, messages.StatusSucceeded, "local"), 1)
	require.Len(t, copyEvents(t, b.n.JS, messages.StatusSucceeded, "dr"), 1)
	require.Empty(t, copyEvents(t, b.n.JS, messages.StatusFailed, "local"))
	require.Empty(t, copyEvents(t, b.n.JS, messages.StatusSucceeded, "fulls-only"))
	for _, p := range a.parts {
		_, err := b.staging.Stat(t.Context(), p.StagingKey)
		require.Error(t, err, "staged part %d deleted", p.Part)
	}
}

func copyEvents(t *testing.T, js jetstream.JetStream, status messages.Status, dest string) []messages.Event {
	t.Helper()
	var out []messages.Event
	for _, raw := range streamPayloads(t, js, messages.StreamEvents, "events.*.*."+messages.StageCopy+"."+string(status)) {
		var e messages.Event
		require.NoError(t, json.Unmarshal(raw, &e))
		if e.Attrs[messages.DestinationAttr] == dest {
			out = append(out, e)
		}
	}
	return out
}

func verifyJobs(t *testing.T, js jetstream.JetStream) []string {
	t.Helper()
	var out []string
	for _, raw := range streamPayloads(t, js, messages.StreamJobs, messages.Filter(messages.SubjectVerify)) {
		var v messages.VerifyRequested
		require.NoError(t, json.Unmarshal(raw, &v))
		out = append(out, v.Destination)
	}
	return out
}

// streamPayloads reads every message of a stream whose subject matches
// filter, without consuming any (JOBS is a work queue).
func streamPayloads(t *testing.T, js jetstream.JetStream, stream, filter string) [][]byte {
	t.Helper()
	ctx := t.Context()
	s, err := js.Stream(ctx, stream)
	require.NoError(t, err)
	info, err := s.Info(ctx)
	require.NoError(t, err)
	var out [][]byte
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		msg, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		require.NoError(t, err)
		if subjectMatches(filter, msg.Subject) {
			out = append(out, msg.Data)
		}
	}
	return out
}

// subjectMatches applies NATS wildcards ("*" one token, ">" the rest).
func subjectMatches(filter, subject string) bool {
	f, s := strings.Split(filter, "."), strings.Split(subject, ".")
	for i, tok := range f {
		if tok == ">" {
			return len(s) > i
		}
		if i >= len(s) || (tok != "*" && tok != s[i]) {
			return false
		}
	}
	return len(f) == len(s)
}
