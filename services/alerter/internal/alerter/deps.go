package alerter

import (
	"log/slog"
	"os"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/services/alerter/internal/stale"
)

// Deps are the alerter's collaborators.
type Deps struct {
	// JS reaches the EVENTS and DLQ streams and the outbox bucket.
	JS jetstream.JetStream
	// Logger receives tenant ids, checks and dedup keys; never routing
	// keys or event payloads. Default slog.Default().
	Logger *slog.Logger
	// Freshness answers the staleness checks. Nil: an in-memory source
	// replayed from EVENTS at start-up and fed by the live events (the
	// catalog replaces it once it implements stale.Freshness).
	Freshness stale.Freshness
	// Now is the clock of the staleness checks (default time.Now).
	Now func() time.Time
	// Getenv reads the routing keys (default os.Getenv).
	Getenv func(string) string
}

func (d Deps) withDefaults() Deps {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Getenv == nil {
		d.Getenv = os.Getenv
	}
	return d
}
