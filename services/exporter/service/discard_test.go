package service_test

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
	exporter "github.com/arcabackup/arca/services/exporter/service"
)

// failingFacts is a JetStream through which every put of export facts
// fails at its metadata (after its chunks were sent), as a put does when
// the stream leader is lost. Before failing, it calls before with the
// facts' key.
type failingFacts struct {
	jetstream.JetStream
	before func(key string)
}

func (f *failingFacts) PublishMsg(ctx context.Context, m *nats.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	if enc, ok := strings.CutPrefix(m.Subject, "$O."+staging.Bucket+".M."); ok {
		if key, err := base64.URLEncoding.DecodeString(enc); err == nil && strings.HasSuffix(string(key), "/export.json") {
			f.before(string(key))
			return nil, nats.ErrConnectionClosed
		}
	}
	return f.JetStream.PublishMsg(ctx, m, opts...)
}

// An export whose facts cannot be staged fails after its parts were
// stored and announced. Its retry exports anew under another artifact, so
// what this attempt staged is garbage: it deletes it at once, except a
// part an encryptor has claimed (it is sealing it, and deletes it itself).
// Before, every part stayed in staging, in plaintext, until the bucket's
// TTL (24 h by default).
func TestAFailedExportDeletesWhatItStaged(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	var st *staging.Store
	var once sync.Once
	announced := func(artifact string) uint64 {
		stream, err := n.JS.Stream(ctx, messages.StreamJobs)
		require.NoError(t, err)
		info, err := stream.Info(ctx, jetstream.WithSubjectFilter(messages.EncryptFilter(artifact)))
		require.NoError(t, err)
		var sum uint64
		for _, c := range info.State.Subjects {
			sum += c
		}
		return sum
	}
	faulty := &failingFacts{JetStream: n.JS, before: func(key string) {
		once.Do(func() {
			// Parts are stored and announced while the facts are put:
			// let three be announced, and an encryptor take the first.
			artifact := strings.TrimSuffix(key, "/export.json")
			teststack.Eventually(t, teststack.MinWait, func() bool { return announced(artifact) >= 3 }, "three parts announced")
			_, err := st.Claim(context.Background(), staging.PlainKey(artifact, 0))
			require.NoError(t, err)
		})
	}}
	st, err := staging.Ensure(ctx, faulty, staging.Options{})
	require.NoError(t, err)

	db := teststack.NewFixtureDatabase(t)
	// Enough rows that beta's export is several parts of 16 KiB.
	teststack.AddBulkRows(t, db.Pool, "beta", 1000)
	dir, err := teststack.PGBinDir(ctx)
	require.NoError(t, err)
	svc, err := exporter.New(exporter.Deps{JS: n.JS, Staging: st}, exporter.Config{
		SourceURL: db.URL, PGBinDir: dir, ToolVersion: "test", PartSize: 16 << 10, MaxPartsWaiting: 1000, BatchSize: 1,
		Tenancy: fixtureTenancy,
		Worker:  jobs.Config{MaxDeliver: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
	})
	require.NoError(t, err)
	rctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = svc.Run(rctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })

	job := messages.ExportRequested{V: messages.Version, Run: "r1", Tenant: "beta", Kind: messages.KindTenant, BackupID: "bk-discard", RequestedAt: time.Now()}
	require.NoError(t, jobs.NewPublisher(n.JS).Publish(ctx, messages.ExportSubject("beta"), job, messages.ExportMsgID(job.BackupID)))

	// The job fails once and is dead-lettered (MaxDeliver 1).
	stream, err := n.JS.Stream(ctx, messages.StreamDLQ)
	require.NoError(t, err)
	teststack.Eventually(t, teststack.MinWait, func() bool {
		info, err := stream.Info(ctx)
		return err == nil && info.State.Msgs == 1
	}, "the export dead-lettered")

	artifact := messages.ArtifactID(job.BackupID, 1)
	require.GreaterOrEqual(t, announced(artifact), uint64(3), "parts were stored and announced before the failure")

	names, err := st.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{staging.PlainKey(artifact, 0)}, names, "only the claimed part is left in staging")
}
