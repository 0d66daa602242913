// Command chaoscheck reads what scripts/chaos.sh checks in NATS after a run:
// every dead letter in the DLQ stream (stage, subject, reason, tenant and
// backup it is about) and every object left in the two staging buckets. It
// prints one JSON document; the script decides what passes.
//
// With -idle, it first waits, at most that long, until no stage holds or
// owes a job (every consumer of the jobs stream with nothing pending and
// nothing awaiting its ack): a backup can be verified while the job of a
// stage killed after its commit is still to be redelivered (after the
// consumer's AckWait) to finish its clean-up, and what is left in staging
// is only judged once that is done.
//
//	ARCA_NATS_URL=... go run ./cmd/arca/internal/chaoscheck [-idle 5m]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/staging"
)

// DeadLetter is what the suite needs of one dead letter.
type DeadLetter struct {
	Stage    string `json:"stage"`
	Subject  string `json:"subject"`
	Reason   string `json:"reason"`
	Tenant   string `json:"tenant"`
	BackupID string `json:"backup_id"`
	Time     string `json:"time"`
}

// Report is the document chaoscheck prints.
type Report struct {
	// Idle: no stage held or owed a job when the rest was read; IdleAfter
	// is how long that took to come (seconds), Busy what was still owed
	// when -idle ran out.
	Idle        bool         `json:"idle"`
	IdleAfter   float64      `json:"idle_after_s"`
	Busy        []string     `json:"busy"`
	DeadLetters []DeadLetter `json:"dead_letters"`
	Staging     []string     `json:"staging"`
}

func main() {
	idle := flag.Duration("idle", 0, "wait at most this long for every stage to be idle first")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute+*idle)
	defer cancel()
	rep, err := run(ctx, os.Getenv("ARCA_NATS_URL"), *idle)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaoscheck:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		fmt.Fprintln(os.Stderr, "chaoscheck:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url string, idle time.Duration) (Report, error) {
	rep := Report{Busy: []string{}, DeadLetters: []DeadLetter{}, Staging: []string{}}
	if url == "" {
		return rep, errors.New("ARCA_NATS_URL is not set (source the cluster's env)")
	}
	nc, err := nats.Connect(url, nats.Name("arca-chaoscheck"), nats.Timeout(10*time.Second))
	if err != nil {
		return rep, fmt.Errorf("connect NATS: %w", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return rep, fmt.Errorf("jetstream: %w", err)
	}
	start := time.Now()
	for {
		if rep.Busy, err = busy(ctx, js); err != nil {
			return rep, err
		}
		if rep.Idle = len(rep.Busy) == 0; rep.Idle || time.Since(start) >= idle {
			break
		}
		select {
		case <-ctx.Done():
			return rep, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	rep.IdleAfter = time.Since(start).Round(time.Second).Seconds()
	if rep.DeadLetters, err = deadLetters(ctx, js); err != nil {
		return rep, err
	}
	if rep.Staging, err = stagingLeft(ctx, js); err != nil {
		return rep, err
	}
	return rep, nil
}

// busy names each consumer of the jobs stream that has jobs not yet
// delivered or awaiting their ack (held by a stage, or by a stage that was
// killed, until AckWait redelivers them).
func busy(ctx context.Context, js jetstream.JetStream) ([]string, error) {
	out := []string{}
	s, err := js.Stream(ctx, messages.StreamJobs)
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", messages.StreamJobs, err)
	}
	l := s.ListConsumers(ctx)
	for ci := range l.Info() {
		if ci.NumPending > 0 || ci.NumAckPending > 0 || ci.NumRedelivered > 0 {
			out = append(out, fmt.Sprintf("%s: %d pending, %d awaiting ack, %d redelivered", ci.Name, ci.NumPending, ci.NumAckPending, ci.NumRedelivered))
		}
	}
	if err := l.Err(); err != nil {
		return nil, fmt.Errorf("stream %s consumers: %w", messages.StreamJobs, err)
	}
	return out, nil
}

// deadLetters reads the DLQ stream from its first message to its last with
// an ordered consumer.
func deadLetters(ctx context.Context, js jetstream.JetStream) ([]DeadLetter, error) {
	out := []DeadLetter{}
	s, err := js.Stream(ctx, messages.StreamDLQ)
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", messages.StreamDLQ, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("stream %s info: %w", messages.StreamDLQ, err)
	}
	if info.State.Msgs == 0 {
		return out, nil
	}
	c, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return nil, fmt.Errorf("stream %s consumer: %w", messages.StreamDLQ, err)
	}
	for {
		m, err := c.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			return nil, fmt.Errorf("stream %s read: %w", messages.StreamDLQ, err)
		}
		var dl messages.DeadLetter
		if err := json.Unmarshal(m.Data(), &dl); err != nil {
			return nil, fmt.Errorf("stream %s: dead letter %q: %w", messages.StreamDLQ, m.Subject(), err)
		}
		out = append(out, DeadLetter{Stage: dl.Stage, Subject: dl.Subject, Reason: dl.Reason,
			Tenant: dl.About.Tenant, BackupID: dl.About.BackupID, Time: dl.Time.UTC().Format(time.RFC3339)})
		md, err := m.Metadata()
		if err != nil {
			return nil, fmt.Errorf("stream %s metadata: %w", messages.StreamDLQ, err)
		}
		if md.NumPending == 0 {
			return out, nil
		}
	}
}

// stagingLeft names every object in the staging buckets (deleted ones
// excluded).
func stagingLeft(ctx context.Context, js jetstream.JetStream) ([]string, error) {
	out := []string{}
	for _, name := range []string{staging.PlainBucket, staging.Bucket} {
		b, err := js.ObjectStore(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("staging bucket %s: %w", name, err)
		}
		infos, err := b.List(ctx)
		if errors.Is(err, jetstream.ErrNoObjectsFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("staging bucket %s list: %w", name, err)
		}
		for _, oi := range infos {
			out = append(out, name+"/"+oi.Name)
		}
	}
	return out, nil
}
