// Package service runs the alerter from outside its module (arca alerter,
// arca dev): it maps plain options onto the internal configuration.
package service

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
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

func (o Options) config() alerter.Config {
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

// DryRun writes the Events API v2 events an alerter starting now would
// send, one JSON object a line (routing keys shown as $VARIABLE), and
// returns how many; it changes nothing.
func DryRun(ctx context.Context, js jetstream.JetStream, o Options, w io.Writer) (int, error) {
	return alerter.DryRun(ctx, alerter.Deps{JS: js, Logger: o.Logger}, o.config(), w)
}

// Run consumes EVENTS and DLQ and pages until ctx ends.
func Run(ctx context.Context, js jetstream.JetStream, o Options) error {
	return alerter.Run(ctx, alerter.Deps{JS: js, Logger: o.Logger}, o.config())
}
