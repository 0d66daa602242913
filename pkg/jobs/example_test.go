package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/embednats"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
)

// A stage's worker runs a handler on each job published to its subject;
// what the handler returns is the job's outcome: nil acks it, Permanent
// dead-letters it at once (to the DLQ stream, with the reason), RetryAfter
// or any other error hands it back for a later delivery.
func Example() {
	// An embedded JetStream server, its store encrypted as in production.
	dir, err := os.MkdirTemp("", "jobs-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	key, err := embednats.NewKey()
	if err != nil {
		log.Fatal(err)
	}
	srv, err := embednats.Start(embednats.Options{Dir: dir, Encryption: &embednats.Encryption{Key: key}})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Stop()
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := jobs.EnsureStreams(ctx, js, jobs.StreamOptions{}); err != nil {
		log.Fatal(err)
	}

	// The handler: one tenant's export succeeds, the other's can never.
	handled := make(chan string, 16)
	export := func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		handled <- j.Msg.Tenant
		if j.Msg.Tenant == "gone" {
			return jobs.Permanent(errors.New("tenant gone was deleted"))
		}
		return nil
	}
	stage := jobs.Stage{Name: messages.StageExport, Subject: messages.SubjectExport}
	w := jobs.NewWorker(js, stage, export, jobs.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	stopped := make(chan error, 1)
	go func() { stopped <- w.Run(ctx) }()

	// Publish one job per tenant; the message id makes a republish a no-op.
	pub := jobs.NewPublisher(js)
	at := time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)
	for _, tenant := range []string{"acme", "gone"} {
		job := messages.ExportRequested{V: 1, Run: "nightly", Tenant: tenant, Kind: messages.KindTenant,
			BackupID: messages.BackupID(messages.KindTenant, "nightly", tenant, at), RequestedAt: at}
		if err := pub.Publish(ctx, messages.ExportSubject(tenant), job, messages.ExportMsgID(job.BackupID)); err != nil {
			log.Fatal(err)
		}
	}
	got := []string{<-handled, <-handled}
	slices.Sort(got)
	fmt.Println("handled:", got)

	// The permanent failure waits in the DLQ stream with its reason.
	dlq, err := js.Stream(ctx, messages.StreamDLQ)
	if err != nil {
		log.Fatal(err)
	}
	var dead messages.DeadLetter
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		msg, err := dlq.GetLastMsgForSubject(ctx, messages.SubjectDLQ)
		if err == nil {
			if dead, err = messages.Decode[messages.DeadLetter](msg.Data); err != nil {
				log.Fatal(err)
			}
			break
		}
		if time.Now().After(deadline) {
			log.Fatal("no dead letter: ", err)
		}
	}
	fmt.Println("dead-lettered:", dead.About.Tenant, "-", dead.Reason)

	cancel()
	if err := <-stopped; err != nil && !errors.Is(err, context.Canceled) {
		log.Fatal(err)
	}
	// Output:
	// handled: [acme gone]
	// dead-lettered: gone - tenant gone was deleted
}

// Replay reads what a stream holds now and returns: the alerter rebuilds
// its memory of the last good backups from EVENTS this way at start-up.
// It acknowledges nothing and leaves no consumer behind.
func ExampleReplay() {
	js, stop := exampleJetStream()
	defer stop()
	ctx := context.Background()
	pub := jobs.NewPublisher(js)
	for _, e := range []messages.Event{
		{Tenant: "acme", Kind: messages.KindTenant, BackupID: "b1", Stage: messages.StageVerify, Status: messages.StatusSucceeded},
		{Tenant: "beta", Kind: messages.KindTenant, BackupID: "b2", Stage: messages.StageVerify, Status: messages.StatusFailed},
		{Tenant: "beta", Kind: messages.KindTenant, BackupID: "b3", Stage: messages.StageVerify, Status: messages.StatusSucceeded},
	} {
		if err := pub.Event(ctx, e); err != nil {
			log.Fatal(err)
		}
	}

	// events.<tenant>.<backup>.<stage>.<status>, any tenant and backup.
	verified := []string{"events.*.*." + messages.StageVerify + "." + string(messages.StatusSucceeded)}
	err := jobs.Replay(ctx, js, messages.StreamEvents, verified, func(data []byte) {
		if e, err := messages.Decode[messages.Event](data); err == nil {
			fmt.Println(e.Tenant, e.BackupID, "verified")
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// acme b1 verified
	// beta b3 verified
}

// exampleJetStream starts an embedded JetStream server with the streams.
func exampleJetStream() (jetstream.JetStream, func()) {
	dir, err := os.MkdirTemp("", "jobs-example-")
	if err != nil {
		log.Fatal(err)
	}
	srv, err := embednats.Start(embednats.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		log.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		log.Fatal(err)
	}
	if err := jobs.EnsureStreams(context.Background(), js, jobs.StreamOptions{}); err != nil {
		log.Fatal(err)
	}
	return js, func() { nc.Close(); srv.Stop(); _ = os.RemoveAll(dir) }
}
