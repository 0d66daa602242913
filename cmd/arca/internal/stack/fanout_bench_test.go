package stack_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
	exporter "github.com/arcabackup/arca/services/exporter/service"
)

const smallTenants = `
CREATE TABLE tenants (id text PRIMARY KEY, name text);
CREATE TABLE residents (id serial PRIMARY KEY, "tenantId" text REFERENCES tenants(id), name text, born date);
CREATE TABLE daily_records (id serial PRIMARY KEY, "tenantId" text REFERENCES tenants(id), resident int REFERENCES residents(id), note text, at timestamptz);
INSERT INTO tenants SELECT 'home-' || g, 'Lar ' || g FROM generate_series(1, %d) g;
INSERT INTO residents ("tenantId", name, born) SELECT t.id, 'Residente ' || r, date '1940-01-01' + r FROM tenants t, generate_series(1, 5) r;
INSERT INTO daily_records ("tenantId", resident, note, at) SELECT r."tenantId", r.id, 'dormiu bem', now() FROM residents r, generate_series(1, 4);
ANALYZE;`

// BenchmarkFanOut runs N small tenants end to end (export, seal, upload,
// verify) through every stage in one process on an embedded JetStream,
// side by side with a sequential loop doing the same work per tenant
// without the pipeline. ARCA_BENCH_TENANTS sets N (default 1000).
func BenchmarkFanOut(b *testing.B) {
	n := 1000
	if v := getenv("ARCA_BENCH_TENANTS"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil {
			b.Fatalf("ARCA_BENCH_TENANTS=%q: %v", v, err)
		}
	}
	ctx := context.Background()
	db := teststack.NewDatabase(b)
	if _, err := db.Pool.Exec(ctx, fmt.Sprintf(smallTenants, n)); err != nil {
		b.Fatal(err)
	}
	nt := teststack.NewNATS(b)
	store, err := fsstore.New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	kr := keyring.New()
	if _, err := kr.Rotate(""); err != nil {
		b.Fatal(err)
	}
	cfg := config.Default()
	cfg.Source.URL = db.URL
	cfg.Source.MaxConcurrentExports = 8
	cfg.Source.Parallelism = 1
	cfg.Pipeline.Slots = 16
	cfg.Store.Prefix = "bench"
	conn := &stack.Conn{NC: nt.Conn, JS: nt.JS}
	if err := jobs.EnsureStreams(ctx, nt.JS, jobs.StreamOptions{}); err != nil {
		b.Fatal(err)
	}
	if conn.Staging, err = staging.Ensure(ctx, nt.JS, staging.Options{}); err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	deps := stack.Deps{Cfg: cfg, Conn: conn, Store: store, Keys: kr, Logger: quiet, Tool: "bench"}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stages, err := deps.Named(stack.StageServices...)
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = stack.Supervise(wctx, stages...) }()

	// Pipeline: publish one export job per tenant, wait for every verification.
	cons, err := nt.JS.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{"events.*.*.verify.*", "events.*.*.*.dead_lettered"}, DeliverPolicy: jetstream.DeliverNewPolicy})
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan messages.Event, n)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		if e, err := messages.Decode[messages.Event](m.Data()); err == nil {
			done <- e
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	defer cc.Stop()
	b.ResetTimer()
	begin := time.Now()
	pub := jobs.NewPublisher(nt.JS)
	for i := 1; i <= n; i++ {
		t := fmt.Sprintf("home-%d", i)
		id := messages.BackupID(messages.KindTenant, "bench", t, begin)
		m := messages.ExportRequested{V: 1, Run: "bench", Tenant: t, Kind: messages.KindTenant, BackupID: id, RequestedAt: begin}
		if err := pub.Publish(ctx, messages.ExportSubject(t), m, messages.ExportMsgID(id)); err != nil {
			b.Fatal(err)
		}
	}
	publish := time.Since(begin)
	for i := 0; i < n; i++ {
		select {
		case e := <-done:
			if e.Status != messages.StatusSucceeded {
				b.Fatalf("tenant %s: %s %s: %s", e.Tenant, e.Stage, e.Status, e.Error)
			}
		case <-time.After(5 * time.Minute):
			b.Fatalf("only %d of %d verified", i, n)
		}
	}
	pipeline := time.Since(begin)
	b.StopTimer()
	cancel()

	// Sequential: the same work per tenant, one after the other, in one
	// process: export to memory, seal, store with a manifest, read back and
	// verify. A sample of tenants gives the per-tenant time.
	sample := min(n, 100)
	exp, err := exporter.New(exporter.Deps{}, exporter.Config{SourceURL: db.URL, Parallelism: 1})
	if err != nil {
		b.Fatal(err)
	}
	seqStore, _ := fsstore.New(b.TempDir())
	layout := backup.Layout{Prefix: "seq"}
	seqBegin := time.Now()
	for i := 1; i <= sample; i++ {
		sequentialBackup(b, ctx, exp, seqStore, layout, kr, fmt.Sprintf("home-%d", i))
	}
	seqPer := time.Since(seqBegin) / time.Duration(sample)

	pipePer := pipeline / time.Duration(n)
	b.ReportMetric(float64(n)/pipeline.Seconds(), "tenants/s")
	b.ReportMetric(float64(pipePer.Microseconds())/1000, "ms/tenant")
	b.ReportMetric(float64(publish.Microseconds())/1000/float64(n), "publish-ms/tenant")
	b.ReportMetric(1/seqPer.Seconds(), "seq-tenants/s")
	b.ReportMetric(float64(seqPer)/float64(pipePer), "speedup")
}

func sequentialBackup(b *testing.B, ctx context.Context, exp *exporter.Service, store objstore.Store, layout backup.Layout, kr *keyring.Keyring, tenant string) {
	id := messages.BackupID(messages.KindTenant, "seq", tenant, time.Now())
	var plain, sealed bytes.Buffer
	facts, err := exp.ExportTo(ctx, messages.ExportRequested{V: 1, Run: "seq", Tenant: tenant, Kind: messages.KindTenant, BackupID: id, RequestedAt: time.Now()}, &plain)
	if err != nil {
		b.Fatal(err)
	}
	kek, _ := kr.Primary(tenant)
	plainSize := int64(plain.Len())
	if _, err := seal.Seal(ctx, &sealed, &plain, seal.Part{Artifact: id, Index: 0, Last: true}, kek); err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256(sealed.Bytes())
	key := layout.Data("tenant", tenant, id)
	size := int64(sealed.Len())
	if _, err := store.Put(ctx, key, bytes.NewReader(sealed.Bytes()), size); err != nil {
		b.Fatal(err)
	}
	m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: id, Kind: "tenant", Tenant: tenant, CreatedAt: time.Now(), CommittedAt: time.Now(),
		Object:    backup.Object{Key: key, Size: size, SHA256: hex.EncodeToString(sum[:]), Parts: []backup.Part{{Size: size, SHA256: hex.EncodeToString(sum[:]), PlainSize: plainSize, KeyID: kek.ID}}},
		PlainSize: plainSize, KeyIDs: []string{kek.ID}, Export: facts}
	mkey, doc, err := layout.SealManifest(ctx, m, kr)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := store.Put(ctx, mkey, bytes.NewReader(doc), int64(len(doc))); err != nil {
		b.Fatal(err)
	}
	rc, err := store.Get(ctx, key, objstore.Range{})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = rc.Close() }()
	if _, err := verify.Backup(ctx, rc, m, kr); err != nil {
		b.Fatal(err)
	}
}
