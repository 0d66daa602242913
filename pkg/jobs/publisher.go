package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/propagation"

	"github.com/arcabackup/arca/pkg/messages"
)

// MsgPublisher is the one JetStream method a Publisher needs.
type MsgPublisher interface {
	PublishMsg(ctx context.Context, msg *nats.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error)
}

// Publisher publishes messages with a deterministic Nats-Msg-Id and the
// trace context of the caller's context in the headers.
type Publisher struct {
	js   MsgPublisher
	prop propagation.TextMapPropagator
	now  func() time.Time
}

// NewPublisher wraps a JetStream publisher.
func NewPublisher(js MsgPublisher) *Publisher {
	return &Publisher{js: js, prop: propagation.TraceContext{}, now: time.Now}
}

// Publish validates and publishes m on subject under msgID. A publish
// repeated with the same id within the duplicate window is acknowledged and
// dropped by the server, so callers may publish again after any crash.
func (p *Publisher) Publish(ctx context.Context, subject string, m messages.Message, msgID string) error {
	data, err := messages.Encode(m)
	if err != nil {
		return err
	}
	return p.PublishRaw(ctx, subject, data, msgID)
}

// PublishRaw publishes bytes as they are (dead letters keep the original
// payload, even when it was not valid).
func (p *Publisher) PublishRaw(ctx context.Context, subject string, data []byte, msgID string) error {
	msg := nats.NewMsg(subject)
	msg.Data = data
	p.prop.Inject(ctx, messages.HeaderCarrier(msg.Header))
	if _, err := p.js.PublishMsg(ctx, msg, jetstream.WithMsgID(msgID)); err != nil {
		return fmt.Errorf("publish %s: %w", subject, err)
	}
	return nil
}

// Event publishes a fact about a backup on its event subject. The time is
// filled in when missing. The error text loses any password of a URL or
// DSN it quotes: events reach the catalog, the API and PagerDuty.
func (p *Publisher) Event(ctx context.Context, e messages.Event) error {
	e.V = messages.Version
	e.Error = messages.RedactSecrets(e.Error)
	if e.Time.IsZero() {
		e.Time = p.now().UTC()
	}
	return p.Publish(ctx, e.Subject(), e, messages.EventMsgID(e))
}
