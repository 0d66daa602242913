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
// With -progress TENANT, it prints instead one line of shell assignments
// read from the EVENTS stream: how far the run and TENANT's backup have
// got, for the suite to inject each fault at a moment of the run rather
// than at a time (a faster machine would be done before):
//
//	verified=N      tenants with a verified backup
//	attempts=N      TENANT's export attempts (artifacts) seen
//	exported=N      parts of TENANT's latest attempt exported
//	last=0|1        its last part exported
//	encrypted=N     parts of it sealed
//	uploaded=N      parts of it uploaded
//	committed=0|1   its backup committed (manifest written)
//	done=0|1        its backup verified
//
//	ARCA_NATS_URL=... go run ./cmd/arca/internal/chaoscheck [-idle 5m | -progress casa-01]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/jobs"
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
	progressOf := flag.String("progress", "", "print how far the run and this tenant's backup have got, and exit")
	flag.Parse()
	if *progressOf != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		p, err := readProgress(ctx, os.Getenv("ARCA_NATS_URL"), *progressOf)
		if err != nil {
			fmt.Fprintln(os.Stderr, "chaoscheck:", err)
			os.Exit(1)
		}
		fmt.Println(p)
		return
	}
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

func connect(url string) (*nats.Conn, jetstream.JetStream, error) {
	if url == "" {
		return nil, nil, errors.New("ARCA_NATS_URL is not set (source the cluster's env)")
	}
	nc, err := nats.Connect(url, nats.Name("arca-chaoscheck"), nats.Timeout(10*time.Second))
	if err != nil {
		return nil, nil, fmt.Errorf("connect NATS: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("jetstream: %w", err)
	}
	return nc, js, nil
}

func run(ctx context.Context, url string, idle time.Duration) (Report, error) {
	rep := Report{Busy: []string{}, DeadLetters: []DeadLetter{}, Staging: []string{}}
	nc, js, err := connect(url)
	if err != nil {
		return rep, err
	}
	defer nc.Close()
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

// deadLetters reads the DLQ stream from its first message to its last.
func deadLetters(ctx context.Context, js jetstream.JetStream) ([]DeadLetter, error) {
	out := []DeadLetter{}
	var derr error
	err := jobs.Replay(ctx, js, messages.StreamDLQ, nil, func(data []byte) {
		var dl messages.DeadLetter
		if err := json.Unmarshal(data, &dl); err != nil {
			derr = errors.Join(derr, fmt.Errorf("stream %s: dead letter: %w", messages.StreamDLQ, err))
			return
		}
		out = append(out, DeadLetter{Stage: dl.Stage, Subject: dl.Subject, Reason: dl.Reason,
			Tenant: dl.About.Tenant, BackupID: dl.About.BackupID, Time: dl.Time.UTC().Format(time.RFC3339)})
	})
	if err = errors.Join(err, derr); err != nil {
		return nil, err
	}
	return out, nil
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

// Progress is how far the run and one tenant's backup have got.
type Progress struct {
	Verified  int    // tenants with a verified backup
	Attempts  int    // the tenant's export attempts (artifacts)
	Exported  int    // parts of its latest attempt exported
	Last      bool   // the latest attempt's last part exported
	Encrypted int    // parts of it sealed
	Uploaded  int    // parts of it uploaded
	Committed bool   // its backup committed
	Done      bool   // its backup verified
	artifact  string // the latest attempt
}

func (p Progress) String() string {
	b := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	return fmt.Sprintf("verified=%d attempts=%d exported=%d last=%d encrypted=%d uploaded=%d committed=%d done=%d",
		p.Verified, p.Attempts, p.Exported, b(p.Last), p.Encrypted, p.Uploaded, b(p.Committed), b(p.Done))
}

// readProgress reads the EVENTS stream from its start to its end.
func readProgress(ctx context.Context, url, tenant string) (Progress, error) {
	var p Progress
	nc, js, err := connect(url)
	if err != nil {
		return p, err
	}
	defer nc.Close()
	verified := map[string]bool{}
	parts := map[string]map[string]map[int]bool{} // stage -> artifact -> parts
	var artifacts []string
	// Only the tenant's events and every verification's: the stream holds
	// a progress event per part and stage of every backup.
	filters := []string{
		"events." + messages.Token(tenant) + ".>",
		"events.*.*." + messages.StageVerify + "." + string(messages.StatusSucceeded), // EventSubject would hash the wildcards
	}
	if err := jobs.Replay(ctx, js, messages.StreamEvents, filters, func(data []byte) {
		ev, err := messages.Decode[messages.Event](data)
		if err == nil && ev.Kind == messages.KindTenant && ev.Attrs[messages.DestinationAttr] == "" {
			p.note(ev, tenant, verified, parts, &artifacts)
		}
	}); err != nil {
		return p, err
	}
	p.Verified = len(verified)
	p.Attempts = len(artifacts)
	if len(artifacts) > 0 {
		p.artifact = artifacts[len(artifacts)-1]
		p.Exported = len(parts[messages.StageExport][p.artifact])
		p.Encrypted = len(parts[messages.StageEncrypt][p.artifact])
		p.Uploaded = len(parts[messages.StageUpload][p.artifact])
	}
	return p, nil
}

func (p *Progress) note(ev messages.Event, tenant string, verified map[string]bool, parts map[string]map[string]map[int]bool, artifacts *[]string) {
	if ev.Stage == messages.StageVerify && ev.Status == messages.StatusSucceeded {
		verified[ev.Tenant] = true
	}
	if ev.Tenant != tenant {
		return
	}
	switch {
	case ev.Stage == messages.StageVerify && ev.Status == messages.StatusSucceeded:
		p.Done = true
	case ev.Stage == messages.StageUpload && ev.Status == messages.StatusSucceeded:
		p.Committed = true
	case ev.Status == messages.StatusProgress && ev.Part != nil:
		art := ev.Attrs["artifact"]
		if ev.Stage == messages.StageExport && !slices.Contains(*artifacts, art) {
			*artifacts = append(*artifacts, art)
			p.Last = false
		}
		if parts[ev.Stage] == nil {
			parts[ev.Stage] = map[string]map[int]bool{}
		}
		if parts[ev.Stage][art] == nil {
			parts[ev.Stage][art] = map[int]bool{}
		}
		parts[ev.Stage][art][*ev.Part] = true
		if ev.Stage == messages.StageExport && ev.Attrs["last"] == "true" && len(*artifacts) > 0 && (*artifacts)[len(*artifacts)-1] == art {
			p.Last = true
		}
	}
}
