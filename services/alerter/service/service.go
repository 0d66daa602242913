// Package service runs the alerter from outside its module (arca alerter,
// arca dev): it maps plain options onto the internal configuration.
package service

import (
	"context"
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/services/alerter/internal/alerter"
)

// Options of the alerter service.
type Options struct {
	// Endpoint of the PagerDuty Events API v2 (default PagerDuty's).
	Endpoint string
	// RoutingKeyEnv names the variable holding the routing key (default
	// ARCA_PD_ROUTING_KEY). The key itself is never logged.
	RoutingKeyEnv string
	// MaxBackupBytes pages backup-too-large above it (default 50 GB).
	MaxBackupBytes int64
	Replicas       int
	Logger         *slog.Logger
}

// Run consumes EVENTS and DLQ and pages until ctx ends.
func Run(ctx context.Context, js jetstream.JetStream, o Options) error {
	cfg := alerter.Config{MaxBackupBytes: o.MaxBackupBytes}
	cfg.PagerDuty.Endpoint = o.Endpoint
	cfg.PagerDuty.RoutingKeyEnv = o.RoutingKeyEnv
	cfg.Streams.Replicas = o.Replicas
	cfg.Replicas = o.Replicas
	return alerter.Run(ctx, alerter.Deps{JS: js, Logger: o.Logger}, cfg)
}
