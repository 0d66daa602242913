package stack_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/faultproxy"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
	exporter "github.com/arcabackup/arca/services/exporter/service"
)

// BenchmarkScalingUnderLatency (#17 item 5) runs N small tenants end to end
// (export, seal, upload, verify) with every S3 request delayed by
// ARCA_BENCH_LATENCY (15ms; faultproxy.Delay in front of versitygw) and
// every PostgreSQL byte by the same (teststack.LatencyProxy), with 1 then 4
// replicas of each stage (each replica its own NATS connection and S3
// client), and a sequential loop doing the same work per tenant through the
// same proxies (ARCA_BENCH_SAMPLE tenants of it, 20, after one not timed:
// its export cache warm, as a pipeline's is after its first tenants).
// ARCA_BENCH_TENANTS sets N (200), ARCA_BENCH_EXPORTS the exports each
// exporter replica runs at once (8).
// Goals: 4 replicas ≥ 3.2× one; the fan-out ≥ 5× the loop. Replicas are
// compared end to end (x-4-vs-1) and in their steady state (x-4-vs-1-steady:
// the rate at which the last 80% of the tenants were verified), since each
// replica's first exports wait for its export cache (pg_dump of the shared
// schemas, ~170 requests through the proxy, ~5 s), a fixed cost that more
// replicas cannot divide.
//
//	cd cmd/arca && ARCA_BENCH_TENANTS=1000 go test -run '^$' -bench ScalingUnderLatency -benchtime 1x ./internal/stack
func BenchmarkScalingUnderLatency(b *testing.B) {
	n, delay := 200, 15*time.Millisecond
	if v := getenv("ARCA_BENCH_TENANTS"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil {
			b.Fatalf("ARCA_BENCH_TENANTS: %v", err)
		}
	}
	if v := getenv("ARCA_BENCH_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatal(err)
		}
		delay = d
	}
	// Exports each exporter replica runs at once (source
	// max_concurrent_exports): ARCA_BENCH_EXPORTS, 8.
	exportsPerReplica := 8
	if v := getenv("ARCA_BENCH_EXPORTS"); v != "" {
		if _, err := fmt.Sscan(v, &exportsPerReplica); err != nil {
			b.Fatalf("ARCA_BENCH_EXPORTS: %v", err)
		}
	}
	if n < 2 {
		b.Fatalf("ARCA_BENCH_TENANTS %d: at least 2 (one warms the loop's cache, and a rate needs two)", n)
	}
	ctx := context.Background()
	db := teststack.NewDatabase(b)
	if _, err := db.Pool.Exec(ctx, fmt.Sprintf(smallTenants, n)); err != nil {
		b.Fatal(err)
	}
	u, err := url.Parse(db.URL)
	if err != nil {
		b.Fatal(err)
	}
	pgProxy := teststack.NewLatencyProxy(b, u.Host, delay)
	u.Host = pgProxy.Addr
	sourceURL := u.String()

	gw := teststack.NewVersityGW(b)
	bucket := gw.NewBucket(b, false)
	fp, err := faultproxy.Start(faultproxy.Config{Target: gw.Endpoint, Delay: delay,
		Decide: func(*http.Request) faultproxy.Fault { return faultproxy.Delay }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = fp.Close() })
	newStore := func(b *testing.B) objstore.Store {
		s, err := s3store.New(ctx, s3store.Config{Endpoint: fp.URL, Region: gw.Region, Bucket: bucket, PathStyle: true,
			AccessKey: gw.AccessKey, SecretKey: gw.SecretKey})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	kr := keyring.New()
	if _, err := kr.Rotate(""); err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	// pipeline runs the n tenants through replicas of every stage on a
	// fresh JetStream and returns the time until the last is verified and
	// the steady rate (tenants verified per second from the end of the
	// first fifth verified to the last), reporting when each stage finished its last tenant and
	// its mean time per tenant (first start to last success): where the
	// queue builds.
	pipeline := func(b *testing.B, replicas int) (time.Duration, float64) {
		nt := teststack.NewNATS(b)
		if err := jobs.EnsureStreams(ctx, nt.JS, jobs.StreamOptions{}); err != nil {
			b.Fatal(err)
		}
		cfg := config.Default()
		cfg.Source.URL = sourceURL
		cfg.Source.MaxConcurrentExports = exportsPerReplica
		cfg.Source.Parallelism = 1
		cfg.Pipeline.Slots = 16
		// The jobs are not of a coordinator batch: an exporter sized for
		// batches (BatchSize × MaxConcurrentExports slots, 128) would take
		// up to 128 of them while running 8, leaving the other replicas
		// nothing to do.
		cfg.Pipeline.BatchSize = 1
		if v := getenv("ARCA_BENCH_BATCH_SIZE"); v != "" {
			if _, err := fmt.Sscan(v, &cfg.Pipeline.BatchSize); err != nil {
				b.Fatalf("ARCA_BENCH_BATCH_SIZE: %v", err)
			}
		}
		cfg.Store.Prefix = fmt.Sprintf("r%d", replicas)
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		for range replicas {
			nc, err := nats.Connect(nt.URL)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(nc.Close)
			js, err := jetstream.New(nc)
			if err != nil {
				b.Fatal(err)
			}
			conn := &stack.Conn{NC: nc, JS: js}
			if conn.Staging, err = staging.Ensure(ctx, js, staging.Options{}); err != nil {
				b.Fatal(err)
			}
			deps := stack.Deps{Cfg: cfg, Conn: conn, Store: newStore(b), Keys: kr, Logger: quiet, Tool: "bench"}
			stages, err := deps.Named(stack.StageServices...)
			if err != nil {
				b.Fatal(err)
			}
			go func() { _ = stack.Supervise(wctx, stages...) }() // stops with wctx
		}
		cons, err := nt.JS.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{
			FilterSubjects: []string{"events.*.*.*.started", "events.*.*.*.succeeded", "events.*.*.*.dead_lettered", "events.*.*.*.failed"},
			DeliverPolicy:  jetstream.DeliverNewPolicy})
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan messages.Event, n)
		var timesMu sync.Mutex
		times := map[string]*stageTimes{}
		cc, err := cons.Consume(func(m jetstream.Msg) {
			e, err := messages.Decode[messages.Event](m.Data())
			if err != nil {
				return
			}
			timesMu.Lock()
			times[e.Stage] = times[e.Stage].add(e)
			timesMu.Unlock()
			if e.Stage == messages.StageVerify && e.Status != messages.StatusStarted || e.Status == messages.StatusDeadLettered {
				done <- e
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		defer cc.Stop()
		sent := pgProxy.Sent()
		begin := time.Now()
		pub := jobs.NewPublisher(nt.JS)
		for i := 1; i <= n; i++ {
			t := fmt.Sprintf("home-%d", i)
			id := messages.BackupID(messages.KindTenant, cfg.Store.Prefix, t, begin)
			m := messages.ExportRequested{V: 1, Run: cfg.Store.Prefix, Tenant: t, Kind: messages.KindTenant, BackupID: id, RequestedAt: begin}
			if err := pub.Publish(ctx, messages.ExportSubject(t), m, messages.ExportMsgID(id)); err != nil {
				b.Fatal(err)
			}
		}
		verified := make([]time.Time, 0, n)
		for i := 0; i < n; i++ {
			select {
			case e := <-done:
				if e.Status != messages.StatusSucceeded {
					b.Fatalf("tenant %s: %s %s: %s", e.Tenant, e.Stage, e.Status, e.Error)
				}
				verified = append(verified, time.Now())
			case <-time.After(10 * time.Minute):
				b.Fatalf("%d replicas: only %d of %d verified", replicas, i, n)
			}
		}
		b.ReportMetric(float64(pgProxy.Sent()-sent)/float64(n), fmt.Sprintf("pg-requests/tenant-%dr", replicas))
		timesMu.Lock()
		defer timesMu.Unlock()
		for _, stage := range []string{messages.StageExport, messages.StageEncrypt, messages.StageUpload, messages.StageVerify} {
			if st := times[stage]; st != nil {
				b.ReportMetric(st.last.Sub(begin).Seconds(), fmt.Sprintf("s-%dr-%s-done", replicas, stage))
				b.ReportMetric(st.mean().Seconds(), fmt.Sprintf("s-%dr-%s-mean", replicas, stage))
			}
		}
		total := time.Since(begin)
		from, steady := n/5, 0.0
		if span := verified[n-1].Sub(verified[from]); span > 0 {
			steady = float64(n-1-from) / span.Seconds()
		}
		b.ReportMetric(steady, fmt.Sprintf("tenants/s-%dr-steady", replicas))
		return total, steady
	}

	for b.Loop() {
		one, oneSteady := pipeline(b, 1)
		four, fourSteady := pipeline(b, 4)

		// The loop: the same work per tenant, one after the other, through
		// the same proxies; a sample gives the per-tenant time.
		sample := min(n, 20)
		if v := getenv("ARCA_BENCH_SAMPLE"); v != "" {
			if _, err := fmt.Sscan(v, &sample); err != nil {
				b.Fatalf("ARCA_BENCH_SAMPLE: %v", err)
			}
		}
		exp, err := exporter.New(exporter.Deps{}, exporter.Config{SourceURL: sourceURL, Parallelism: 1})
		if err != nil {
			b.Fatal(err)
		}
		store := newStore(b)
		sequentialBackup(b, ctx, exp, store, backup.Layout{Prefix: "seq"}, kr, "home-1") // warms its cache
		sample = max(1, min(sample, n-1))
		sent := pgProxy.Sent()
		seqBegin := time.Now()
		for i := 2; i <= sample+1; i++ {
			sequentialBackup(b, ctx, exp, store, backup.Layout{Prefix: "seq"}, kr, fmt.Sprintf("home-%d", i))
		}
		seq := time.Since(seqBegin) / time.Duration(sample) * time.Duration(n)
		b.ReportMetric(float64(pgProxy.Sent()-sent)/float64(sample), "pg-requests/tenant")

		b.ReportMetric(one.Seconds(), "s-1-replica")
		b.ReportMetric(four.Seconds(), "s-4-replicas")
		b.ReportMetric(seq.Seconds(), "s-sequential")
		b.ReportMetric(float64(one)/float64(four), "x-4-vs-1")
		if oneSteady > 0 {
			b.ReportMetric(fourSteady/oneSteady, "x-4-vs-1-steady")
		}
		b.ReportMetric(float64(seq)/float64(one), "x-1-replica-vs-loop")
		b.ReportMetric(float64(seq)/float64(four), "x-4-replicas-vs-loop")
	}
}

// stageTimes is one stage's progress over a pipeline run: per tenant its
// first start and last success, and the last success of all.
type stageTimes struct {
	start, end map[string]time.Time
	last       time.Time
}

func (s *stageTimes) add(e messages.Event) *stageTimes {
	if s == nil {
		s = &stageTimes{start: map[string]time.Time{}, end: map[string]time.Time{}}
	}
	switch e.Status {
	case messages.StatusStarted:
		if t, ok := s.start[e.Tenant]; !ok || e.Time.Before(t) {
			s.start[e.Tenant] = e.Time
		}
	case messages.StatusSucceeded:
		if e.Time.After(s.end[e.Tenant]) {
			s.end[e.Tenant] = e.Time
		}
		if e.Time.After(s.last) {
			s.last = e.Time
		}
	}
	return s
}

// mean is the mean time from a tenant's first start to its last success.
func (s *stageTimes) mean() time.Duration {
	var sum time.Duration
	n := 0
	for t, end := range s.end {
		if start, ok := s.start[t]; ok {
			sum += end.Sub(start)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / time.Duration(n)
}
