package alerter

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"sort"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/outbox"
	"github.com/arcabackup/arca/services/alerter/internal/pagerduty"
	"github.com/arcabackup/arca/services/alerter/internal/rules"
	"github.com/arcabackup/arca/services/alerter/internal/stale"
	"github.com/arcabackup/arca/services/alerter/internal/storm"
)

// DryRun replays EVENTS and DLQ as they are now, as an alerter starting
// with an empty outbox would see them: the rules, the staleness and drill
// checks at deps.Now, storm aggregation with cfg's threshold. It writes
// each Events API v2 event it would send to w, one JSON object a line,
// with the routing key replaced by "$NAME" of the variable that would
// hold it, and returns how many. It writes nothing to NATS, sends nothing,
// and needs no routing key set.
func DryRun(ctx context.Context, deps Deps, cfg Config, w io.Writer) (int, error) {
	deps, cfg = deps.withDefaults(), cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return 0, err
	}
	keys := map[alert.Severity]pagerduty.RoutingKey{}
	for _, s := range alert.Severities {
		name := cfg.PagerDuty.RoutingKeyEnv
		if n := cfg.PagerDuty.RoutingKeyEnvBySeverity[s]; n != "" {
			name = n
		}
		keys[s] = pagerduty.RoutingKey("$" + name)
	}
	sender, err := pagerduty.New(pagerduty.Config{Endpoint: cfg.PagerDuty.Endpoint, RoutingKeys: keys,
		Source: cfg.PagerDuty.Source, RunbookBaseURL: cfg.PagerDuty.RunbookBaseURL})
	if err != nil {
		return 0, err
	}
	limits := rules.Limits{MaxBackupBytes: max(cfg.MaxBackupBytes, 0)}
	mem := stale.NewMemory()
	ob := memOutbox{}
	// A stream not made yet holds nothing to replay.
	err = jobs.Replay(ctx, deps.JS, messages.StreamEvents, []string{messages.SubjectEvents}, func(data []byte) {
		if e, err := messages.Decode[messages.Event](data); err == nil {
			mem.Observe(e)
			ob.record(rules.Event(e, limits)...)
		}
	})
	if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return 0, err
	}
	err = jobs.Replay(ctx, deps.JS, messages.StreamDLQ, []string{messages.SubjectDLQ}, func(data []byte) {
		if d, err := messages.Decode[messages.DeadLetter](data); err == nil {
			ob.record(rules.DeadLetter(d)...)
		}
	})
	if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		// The alerter's own NATS user reads DLQ through its durable
		// consumer only; an operator's reads everything.
		deps.Logger.Warn("dry run without dead letters: DLQ not readable here", "err", err)
	}
	checks, err := stale.Check(ctx, mem, stale.Policy{StaleAfter: cfg.StaleAfter, DrillOverdueAfter: max(cfg.DrillOverdueAfter, 0)}, deps.Now())
	if err != nil {
		return 0, err
	}
	ob.record(checks...)
	var plan storm.Plan
	for range 4 {
		plan = storm.Decide(ob.entries(), cfg.StormThreshold, deps.Now())
		if len(plan.Record) == 0 {
			break
		}
		ob.record(plan.Record...)
	}
	enc := json.NewEncoder(w)
	n := 0
	for _, s := range plan.Steps {
		if !s.Send {
			continue
		}
		if err := enc.Encode(sender.Event(s.Entry.Alert)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// memOutbox keeps the latest desired state per dedup key, as the outbox
// does: a resolve of a key never triggered is nothing to send.
type memOutbox map[string]*outbox.Entry

func (m memOutbox) record(alerts ...alert.Alert) {
	for _, a := range alerts {
		key := a.DedupKey()
		cur := m[key]
		switch {
		case cur == nil && a.Action == alert.Resolve:
		case cur == nil:
			m[key] = &outbox.Entry{Key: key, Alert: a, Version: 1, Pending: true}
		case a.Time.Before(cur.Alert.Time) || a.Action == cur.Alert.Action:
		case a.Action == alert.Resolve:
			delete(m, key) // never delivered: nothing open to resolve
		default:
			cur.Alert, cur.Version = a, cur.Version+1
		}
	}
}

func (m memOutbox) entries() []outbox.Entry {
	out := make([]outbox.Entry, 0, len(m))
	for _, e := range m {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
