package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/messages"
)

// StreamOptions size the streams. Zero values take the defaults.
type StreamOptions struct {
	// Replicas of every stream: 1 for a single server, 3 in production
	// clusters (with sync_interval: always, see docs/DESIGN.md §3.1).
	Replicas int
	// DuplicateWindow is how long a Nats-Msg-Id is remembered. It must
	// outlast any redelivery of the job that publishes it. Default 6h.
	DuplicateWindow time.Duration
	// EventsMaxAge bounds the EVENTS stream. Default 30 days.
	EventsMaxAge time.Duration
	// DLQMaxAge bounds the DLQ stream. Default 90 days: dead letters wait
	// for an operator.
	DLQMaxAge time.Duration
}

func (o StreamOptions) withDefaults() StreamOptions {
	if o.Replicas == 0 {
		o.Replicas = 1
	}
	if o.DuplicateWindow == 0 {
		o.DuplicateWindow = 6 * time.Hour
	}
	if o.EventsMaxAge == 0 {
		o.EventsMaxAge = 30 * 24 * time.Hour
	}
	if o.DLQMaxAge == 0 {
		o.DLQMaxAge = 90 * 24 * time.Hour
	}
	return o
}

// StreamConfigs returns the configuration of JOBS, EVENTS and DLQ.
func StreamConfigs(o StreamOptions) []jetstream.StreamConfig {
	o = o.withDefaults()
	return []jetstream.StreamConfig{
		{
			Name:        messages.StreamJobs,
			Description: "Arca jobs, one durable consumer per stage",
			Subjects:    []string{messages.SubjectJobs},
			Retention:   jetstream.WorkQueuePolicy,
			Storage:     jetstream.FileStorage,
			Replicas:    o.Replicas,
			Duplicates:  o.DuplicateWindow,
		},
		{
			Name:        messages.StreamEvents,
			Description: "Facts each stage records about backups",
			Subjects:    []string{messages.SubjectEvents},
			Retention:   jetstream.LimitsPolicy,
			Storage:     jetstream.FileStorage,
			Replicas:    o.Replicas,
			Duplicates:  o.DuplicateWindow,
			MaxAge:      o.EventsMaxAge,
		},
		{
			Name:        messages.StreamDLQ,
			Description: "Jobs a stage gave up on, with the reason",
			Subjects:    []string{messages.SubjectDLQ},
			Retention:   jetstream.LimitsPolicy,
			Storage:     jetstream.FileStorage,
			Replicas:    o.Replicas,
			Duplicates:  o.DuplicateWindow,
			MaxAge:      o.DLQMaxAge,
		},
	}
}

// StreamManager is what EnsureStreams needs of a JetStream context.
type StreamManager interface {
	CreateOrUpdateStream(ctx context.Context, cfg jetstream.StreamConfig) (jetstream.Stream, error)
}

// EnsureStreams creates or updates the three streams and the completion
// ledger. Every service calls it at start-up; it is idempotent, so replicas
// racing each other is harmless.
func EnsureStreams(ctx context.Context, js StreamManager, o StreamOptions) error {
	for _, cfg := range append(StreamConfigs(o), ledgerConfig(o)) {
		if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
			return fmt.Errorf("ensure stream %s: %w", cfg.Name, err)
		}
	}
	return nil
}
