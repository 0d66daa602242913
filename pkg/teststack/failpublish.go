package teststack

import (
	"strings"
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// FailSecondMessage is a JetStream whose asynchronous publishes fail once:
// the second message published to one subject under Prefix, the first time
// any subject gets a second one, fails as a client reconnecting would. For
// staging, with Prefix "$O.<bucket>.C." (a put's chunks share a subject), it
// fails the first put of more than one chunk at its second chunk.
type FailSecondMessage struct {
	jetstream.JetStream
	Prefix string

	mu     sync.Mutex
	counts map[string]int
	failed bool
}

// PublishMsgAsync publishes m, unless it is the message to fail.
func (f *FailSecondMessage) PublishMsgAsync(m *nats.Msg, opts ...jetstream.PublishOpt) (jetstream.PubAckFuture, error) {
	if strings.HasPrefix(m.Subject, f.Prefix) {
		f.mu.Lock()
		if f.counts == nil {
			f.counts = map[string]int{}
		}
		f.counts[m.Subject]++
		fail := !f.failed && f.counts[m.Subject] == 2
		f.failed = f.failed || fail
		f.mu.Unlock()
		if fail {
			return nil, nats.ErrConnectionReconnecting
		}
	}
	return f.JetStream.PublishMsgAsync(m, opts...)
}

// Failed reports whether the message was failed.
func (f *FailSecondMessage) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}
