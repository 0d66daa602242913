package telemetry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// QueueDepth is the state of one stage's queue.
type QueueDepth struct {
	Pending int64 // jobs not yet delivered to any worker
	Unacked int64 // jobs delivered and not yet acknowledged (in flight)
}

// QueueFunc reports the queue of every stage, keyed by stage. It is called
// on every scrape of the metrics endpoint.
type QueueFunc func(ctx context.Context) (map[string]QueueDepth, error)

func (m *Metrics) queueInstruments() error {
	var err1, err2 error
	m.pending, err1 = m.meter.Int64ObservableGauge(nameJobsPending, metric.WithUnit("{job}"),
		metric.WithDescription("Jobs waiting for a worker, by stage (JetStream consumer num_pending)."))
	m.unacked, err2 = m.meter.Int64ObservableGauge(nameJobsAckWait, metric.WithUnit("{job}"),
		metric.WithDescription("Jobs delivered and not yet acknowledged, by stage (JetStream consumer num_ack_pending)."))
	return errors.Join(err1, err2)
}

// WatchQueues makes f the source of the pending and unacked gauges. One
// replica of one service is enough to watch (the coordinator does); every
// replica that watches reports the same numbers. Call stop to unregister.
func (m *Metrics) WatchQueues(f QueueFunc) (stop func() error, err error) {
	reg, err := m.meter.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		depths, err := f(ctx)
		for stage, d := range depths {
			set := metric.WithAttributeSet(attribute.NewSet(attribute.String(keyStage, stage)))
			o.ObserveInt64(m.pending, d.Pending, set)
			o.ObserveInt64(m.unacked, d.Unacked, set)
		}
		return err
	}, m.pending, m.unacked)
	if err != nil {
		return nil, fmt.Errorf("telemetry: watch queues: %w", err)
	}
	return reg.Unregister, nil
}

// ConsumerLookup is the JetStream method JetStreamQueues needs.
type ConsumerLookup interface {
	Consumer(ctx context.Context, stream, consumer string) (jetstream.Consumer, error)
}

// JetStreamQueues reads the queues from the durable consumers of stream
// (jobs.Stage names are the consumer names). A consumer that does not exist
// yet is left out. Each call asks the server once per consumer, within 5s.
// The NATS user needs $JS.API.CONSUMER.INFO.<stream>.<consumer>.
func JetStreamQueues(js ConsumerLookup, stream string, consumers ...string) QueueFunc {
	return func(ctx context.Context) (map[string]QueueDepth, error) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		out := make(map[string]QueueDepth, len(consumers))
		var errs []error
		for _, name := range consumers {
			c, err := js.Consumer(ctx, stream, name)
			if errors.Is(err, jetstream.ErrConsumerNotFound) {
				continue
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("consumer %s %s: %w", stream, name, err))
				continue
			}
			info := c.CachedInfo()
			out[name] = QueueDepth{Pending: int64(info.NumPending), Unacked: int64(info.NumAckPending)}
		}
		return out, errors.Join(errs...)
	}
}
