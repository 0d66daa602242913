package alerter

import (
	"errors"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
)

// Config is the alerter's part of the configuration file (alerting:).
// Zero values take the defaults.
type Config struct {
	PagerDuty PagerDuty
	// MaxBackupBytes: a committed artifact larger pages backup-too-large
	// (default 50 GB, 50e9 bytes; negative disables).
	MaxBackupBytes int64
	// StaleAfter per kind for backup-stale (default tenant: 24h).
	StaleAfter map[messages.Kind]time.Duration
	// DrillOverdueAfter for drill-overdue (default 30 days; negative disables).
	DrillOverdueAfter time.Duration
	// CheckInterval between staleness checks (default 5m).
	CheckInterval time.Duration
	// StormThreshold: more open incidents than this in one check and kind
	// turn into one aggregated incident (default 10).
	StormThreshold int
	// RatePerSecond and Burst bound PagerDuty requests (default 2, 10).
	RatePerSecond float64
	Burst         int
	// Gather delays planning after a wake-up so bursts batch (default 1s).
	Gather time.Duration
	// RetryMin, RetryMax bound the backoff while PagerDuty is down
	// (default 1s, 1m).
	RetryMin, RetryMax time.Duration
	// Bucket is the outbox KV bucket (default ALERTS); Durable names the
	// consumers on EVENTS and DLQ (default alerter); Replicas of the
	// bucket (default 1).
	Bucket   string
	Durable  string
	Replicas int
	// Streams are the options every service passes to jobs.EnsureStreams.
	Streams jobs.StreamOptions
}

// PagerDuty configures delivery. Routing keys are never in the
// configuration: it names environment variables, read at start-up.
type PagerDuty struct {
	// Endpoint of the Events API v2 (default https://events.pagerduty.com).
	Endpoint string
	// RoutingKeyEnv names the variable holding the routing key of every
	// severity without its own (default ARCA_PD_ROUTING_KEY).
	RoutingKeyEnv string
	// RoutingKeyEnvBySeverity names a variable per severity (critical,
	// high, warning) that overrides RoutingKeyEnv.
	RoutingKeyEnvBySeverity map[alert.Severity]string
	// Source in the payload (default "arca"); RunbookBaseURL prefixes
	// <check>.md in each incident (default "docs/runbooks/").
	Source         string
	RunbookBaseURL string
	// RetryMax, RetryWaitMin, RetryWaitMax: HTTP retries of one request
	// (default 3, 500ms, 5s). Timeout per attempt (default 10s).
	RetryMax                   int
	RetryWaitMin, RetryWaitMax time.Duration
	Timeout                    time.Duration
}

// DefaultRoutingKeyEnv is the variable holding the routing key by default.
const DefaultRoutingKeyEnv = "ARCA_PD_ROUTING_KEY"

// DefaultMaxBackupBytes is 50 GB.
const DefaultMaxBackupBytes int64 = 50_000_000_000

func (c Config) withDefaults() Config {
	if c.PagerDuty.RoutingKeyEnv == "" {
		c.PagerDuty.RoutingKeyEnv = DefaultRoutingKeyEnv
	}
	if c.MaxBackupBytes == 0 {
		c.MaxBackupBytes = DefaultMaxBackupBytes
	}
	if c.StaleAfter == nil {
		c.StaleAfter = map[messages.Kind]time.Duration{messages.KindTenant: 24 * time.Hour}
	}
	if c.DrillOverdueAfter == 0 {
		c.DrillOverdueAfter = 30 * 24 * time.Hour
	}
	if c.CheckInterval <= 0 {
		c.CheckInterval = 5 * time.Minute
	}
	if c.Bucket == "" {
		c.Bucket = "ALERTS"
	}
	if c.Durable == "" {
		c.Durable = "alerter"
	}
	return c
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	for k, d := range c.StaleAfter {
		if !k.Valid() {
			errs = append(errs, fmt.Errorf("alerting: stale_after: %q is not a kind", string(k)))
		}
		if d < 0 {
			errs = append(errs, fmt.Errorf("alerting: stale_after %s: %s is negative", k, d))
		}
	}
	for s := range c.PagerDuty.RoutingKeyEnvBySeverity {
		if s.PagerDuty() == "info" {
			errs = append(errs, fmt.Errorf("alerting: routing_key_env_by_severity: %q is not one of critical, high, warning", string(s)))
		}
	}
	if c.StormThreshold < 0 {
		errs = append(errs, fmt.Errorf("alerting: storm_threshold %d is negative", c.StormThreshold))
	}
	if c.RatePerSecond < 0 {
		errs = append(errs, fmt.Errorf("alerting: rate_per_second %g is negative", c.RatePerSecond))
	}
	return errors.Join(errs...)
}
