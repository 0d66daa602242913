package schedule

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Fire is one firing of a schedule.
type Fire struct {
	Name string
	Kind string
	// ScheduledAt is the fire's scheduled second (UTC).
	ScheduledAt time.Time
	// Next is when the schedule fires again.
	Next time.Time
	// Key identifies the fire even if the server stored it twice: the
	// scheduler subject and the next fire time.
	Key string
}

// RunID names the run a fire starts: the schedule and its scheduled time,
// the same for every delivery of the fire.
func (f Fire) RunID() string { return f.Name + "-" + f.ScheduledAt.Format("20060102T150405Z") }

// ParseFire reads a fire message.
func ParseFire(msg jetstream.Msg) (Fire, error) {
	meta, err := msg.Metadata()
	if err != nil {
		return Fire{}, fmt.Errorf("fire %s: %w", msg.Subject(), err)
	}
	var d Definition
	if err := json.Unmarshal(msg.Data(), &d); err != nil {
		return Fire{}, fmt.Errorf("fire %s: %w", msg.Subject(), err)
	}
	scheduler := msg.Headers().Get(HeaderScheduler)
	next := msg.Headers().Get(HeaderNext)
	if scheduler == "" || d.Name == "" || scheduler != DefSubject(d.Name) {
		return Fire{}, fmt.Errorf("fire %s: not a fire of a known schedule (scheduler %q)", msg.Subject(), scheduler)
	}
	f := Fire{
		Name: d.Name, Kind: d.Kind,
		ScheduledAt: meta.Timestamp.UTC().Truncate(time.Second),
		Key:         scheduler + " " + next,
	}
	if t, err := time.Parse(time.RFC3339Nano, next); err == nil {
		f.Next = t.UTC()
	}
	if next == "" {
		f.Key = scheduler + " @" + strings.TrimSpace(f.ScheduledAt.Format(time.RFC3339))
	}
	return f, nil
}
