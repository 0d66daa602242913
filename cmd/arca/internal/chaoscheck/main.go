// Command chaoscheck reads what scripts/chaos.sh checks in NATS after a run:
// every dead letter in the DLQ stream (stage, subject, reason, tenant and
// backup it is about) and every object left in the two staging buckets. It
// prints one JSON document; the script decides what passes.
//
//	ARCA_NATS_URL=... go run ./cmd/arca/internal/chaoscheck
package main

import (
	"context"
	"encoding/json"
	"errors"
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
	DeadLetters []DeadLetter `json:"dead_letters"`
	Staging     []string     `json:"staging"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	rep, err := run(ctx, os.Getenv("ARCA_NATS_URL"))
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

func run(ctx context.Context, url string) (Report, error) {
	rep := Report{DeadLetters: []DeadLetter{}, Staging: []string{}}
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
	if rep.DeadLetters, err = deadLetters(ctx, js); err != nil {
		return rep, err
	}
	if rep.Staging, err = stagingLeft(ctx, js); err != nil {
		return rep, err
	}
	return rep, nil
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
