// Package service runs the alerter from outside its module (arca alerter,
// arca dev): New maps a plain configuration onto the internal one, Run
// pages until the context ends.
package service

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/alerter"
)

// Config of the alerter service.
type Config struct {
	// Endpoint of the PagerDuty Events API v2 (default PagerDuty's).
	Endpoint string
	// RoutingKeyEnv names the variable holding the routing key (default
	// ARCA_PD_ROUTING_KEY). The key itself is never logged.
	RoutingKeyEnv string
	// MaxBackupBytes pages backup-too-large above it (default 50 GB).
	MaxBackupBytes int64
	// RoutingKeyEnvBySeverity names a variable per severity (critical,
	// high, warning) overriding RoutingKeyEnv: who is paged at which level.
	RoutingKeyEnvBySeverity map[string]string
	// RunbookBaseURL prefixes <check>.md in each incident.
	RunbookBaseURL string
	// StaleAfter per backup kind (tenant, full, base) pages backup-stale;
	// DrillOverdueAfter pages drill-overdue; StormThreshold aggregates.
	StaleAfter        map[string]time.Duration
	DrillOverdueAfter time.Duration
	StormThreshold    int
	Replicas          int
	Logger            *slog.Logger
}

func (o Config) config() alerter.Config {
	cfg := alerter.Config{MaxBackupBytes: o.MaxBackupBytes, DrillOverdueAfter: o.DrillOverdueAfter, StormThreshold: o.StormThreshold}
	cfg.PagerDuty.Endpoint = o.Endpoint
	cfg.PagerDuty.RoutingKeyEnv = o.RoutingKeyEnv
	cfg.PagerDuty.RunbookBaseURL = o.RunbookBaseURL
	if len(o.RoutingKeyEnvBySeverity) > 0 {
		cfg.PagerDuty.RoutingKeyEnvBySeverity = map[alert.Severity]string{}
		for s, name := range o.RoutingKeyEnvBySeverity {
			cfg.PagerDuty.RoutingKeyEnvBySeverity[alert.Severity(s)] = name
		}
	}
	if len(o.StaleAfter) > 0 {
		cfg.StaleAfter = map[messages.Kind]time.Duration{}
		for k, d := range o.StaleAfter {
			cfg.StaleAfter[messages.Kind(k)] = d
		}
	}
	cfg.Streams.Replicas = o.Replicas
	cfg.Replicas = o.Replicas
	return cfg
}

// Deps are the alerter's connection: JetStream reaches the EVENTS and DLQ
// streams and the outbox bucket.
type Deps struct {
	JS jetstream.JetStream
}

// Service is an alerter.
type Service struct {
	deps Deps
	cfg  Config
}

// New builds the alerter without touching the network.
func New(d Deps, cfg Config) (*Service, error) {
	if d.JS == nil {
		return nil, errors.New("alerter: JetStream is required")
	}
	return &Service{deps: d, cfg: cfg}, nil
}

// DryRun writes the Events API v2 events an alerter starting now would
// send, one JSON object a line (routing keys shown as $VARIABLE), and
// returns how many; it changes nothing.
func (s *Service) DryRun(ctx context.Context, w io.Writer) (int, error) {
	return alerter.DryRun(ctx, alerter.Deps{JS: s.deps.JS, Logger: s.cfg.Logger}, s.cfg.config(), w)
}

// Run consumes EVENTS and DLQ and pages until ctx ends; an invalid
// configuration or a failed start-up is its error.
func (s *Service) Run(ctx context.Context) error {
	return alerter.Run(ctx, alerter.Deps{JS: s.deps.JS, Logger: s.cfg.Logger}, s.cfg.config())
}
