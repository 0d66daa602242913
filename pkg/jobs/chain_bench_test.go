package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// BenchmarkFourStageChain pushes empty jobs through export → encrypt →
// upload → verify on one embedded server, the runtime's own cost per job:
// decode, span, heartbeat, publish with Nats-Msg-Id, completion ledger,
// double ack. It reports jobs per second end to end and the latency from
// the first publish to the end of the last stage.
func BenchmarkFourStageChain(b *testing.B) {
	n := teststack.NewNATS(b)
	ctx := context.Background()
	if err := jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}); err != nil {
		b.Fatal(err)
	}
	cfg := jobs.Config{Slots: 64, MaxAckPending: 1024, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	uploadStage := jobs.Stage{Name: messages.StageUpload, Subject: messages.SubjectUpload}
	verifyStage := jobs.Stage{Name: messages.StageVerify, Subject: messages.SubjectVerify}
	sha := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	started := sync.Map{}
	var mu sync.Mutex
	var lat []time.Duration
	done := make(chan struct{}, 1024)

	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	start := func(f func(context.Context) error) {
		wg.Add(1)
		go func() { defer wg.Done(); _ = f(wctx) }()
	}
	start(jobs.NewWorker(n.JS, exportStage, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		m := messages.PartReady{V: 1, ArtifactPart: messages.ArtifactPart{Artifact: j.Msg.BackupID, Tenant: j.Msg.Tenant, Kind: j.Msg.Kind, BackupID: j.Msg.BackupID, Last: true}, SHA256: sha, StagingKey: "s"}
		return j.Publisher.Publish(ctx, messages.EncryptSubject(m.BackupID, 0), m, messages.PartReadyMsgID(m.BackupID, 0))
	}, cfg).Run)
	start(jobs.NewWorker(n.JS, encryptStage, func(ctx context.Context, j *jobs.Job[messages.PartReady]) error {
		m := messages.PartSealed{V: 1, ArtifactPart: messages.ArtifactPart{Artifact: j.Msg.BackupID, Tenant: j.Msg.Tenant, Kind: j.Msg.Kind, BackupID: j.Msg.BackupID, Last: true}, SHA256: sha, KeyID: "k", StagingKey: "s"}
		return j.Publisher.Publish(ctx, messages.UploadSubject(m.BackupID, 0), m, messages.PartSealedMsgID(m.BackupID, 0))
	}, cfg).Run)
	start(jobs.NewWorker(n.JS, uploadStage, func(ctx context.Context, j *jobs.Job[messages.PartSealed]) error {
		m := messages.VerifyRequested{V: 1, Kind: j.Msg.Kind, Tenant: j.Msg.Tenant, BackupID: j.Msg.BackupID, ManifestKey: "m"}
		return j.Publisher.Publish(ctx, messages.VerifySubject(m.BackupID), m, messages.VerifyMsgID(m.BackupID))
	}, cfg).Run)
	start(jobs.NewWorker(n.JS, verifyStage, func(ctx context.Context, j *jobs.Job[messages.VerifyRequested]) error {
		if t0, ok := started.Load(j.Msg.BackupID); ok {
			mu.Lock()
			lat = append(lat, time.Since(t0.(time.Time)))
			mu.Unlock()
		}
		done <- struct{}{}
		return nil
	}, cfg).Run)

	pub := jobs.NewPublisher(n.JS)
	b.ResetTimer()
	begin := time.Now()
	go func() {
		for i := 0; i < b.N; i++ {
			tenant := fmt.Sprintf("t%d", i)
			m := messages.ExportRequested{V: 1, Run: "bench", Tenant: tenant, Kind: messages.KindTenant,
				BackupID: fmt.Sprintf("bench-%d-%d", b.N, i), RequestedAt: time.Now()}
			started.Store(m.BackupID, time.Now())
			if err := pub.Publish(ctx, messages.ExportSubject(tenant), m, messages.ExportMsgID(m.BackupID)); err != nil {
				b.Error(err)
				return
			}
		}
	}()
	for range b.N {
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			b.Fatal("chain stalled")
		}
	}
	elapsed := time.Since(begin)
	b.StopTimer()
	cancel()
	wg.Wait()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "jobs/s")
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}
