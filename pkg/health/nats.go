package health

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/messages"
)

// NATS is what the NATS check needs to know.
type NATS struct {
	URL         string
	InboxPrefix string // "" for the default
	Replicas    int    // nats.replicas: the replicas each stream should have
	Hint        string // what to say when NATS is unreachable
}

// CheckNATS: NATS answers and the JOBS, EVENTS and DLQ streams exist with
// the configured replicas.
func CheckNATS(ctx context.Context, f *Findings, n NATS) {
	opts := []nats.Option{nats.Name("arca check"), nats.Timeout(5 * time.Second)}
	if n.InboxPrefix != "" {
		opts = append(opts, nats.CustomInboxPrefix(n.InboxPrefix))
	}
	nc, err := nats.Connect(n.URL, opts...)
	if err != nil {
		f.Fail("nats", "connect %s: %s; %s", messages.RedactURL(n.URL), messages.OneLine(messages.RedactError(err)), n.Hint)
		return
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		f.Fail("nats", "%s", messages.OneLine(err))
		return
	}
	var found []string
	for _, name := range []string{messages.StreamJobs, messages.StreamEvents, messages.StreamDLQ} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			f.Fail("nats", "stream %s: %s (the services create it when they start)", name, messages.OneLine(err))
			continue
		}
		info := s.CachedInfo()
		found = append(found, fmt.Sprintf("%s (%d msgs, R%d)", name, info.State.Msgs, info.Config.Replicas))
		if want := max(n.Replicas, 1); info.Config.Replicas < want {
			f.Warn("nats", "stream %s has %d replica(s), nats.replicas asks for %d", name, info.Config.Replicas, want)
		}
	}
	if len(found) > 0 {
		f.OK("nats", "%s: %s", messages.RedactURL(n.URL), strings.Join(found, ", "))
	}
}
