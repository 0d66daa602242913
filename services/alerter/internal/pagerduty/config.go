package pagerduty

import (
	"errors"
	"fmt"
	"time"

	"github.com/arcabackup/arca/services/alerter/internal/alert"
)

// DefaultEndpoint is PagerDuty's Events API v2 host; the client appends
// /v2/enqueue.
const DefaultEndpoint = "https://events.pagerduty.com"

// Config configures a Sender.
type Config struct {
	// Endpoint of the Events API (default DefaultEndpoint).
	Endpoint string
	// RoutingKeys per severity; every severity needs one.
	RoutingKeys map[alert.Severity]RoutingKey
	// Source names the paging system in the payload (default "arca").
	Source string
	// RunbookBaseURL prefixes the runbook link, <base><check>.md
	// (default "docs/runbooks/").
	RunbookBaseURL string
	// RetryMax, RetryWaitMin, RetryWaitMax tune the HTTP client's retries
	// of one request (default 3, 500ms, 5s); Timeout bounds each attempt
	// (default 10s).
	RetryMax                   int
	RetryWaitMin, RetryWaitMax time.Duration
	Timeout                    time.Duration
}

func (c Config) withDefaults() Config {
	if c.Endpoint == "" {
		c.Endpoint = DefaultEndpoint
	}
	if c.Source == "" {
		c.Source = "arca"
	}
	if c.RunbookBaseURL == "" {
		c.RunbookBaseURL = "docs/runbooks/"
	}
	if c.RetryMax == 0 {
		c.RetryMax = 3
	}
	if c.RetryWaitMin <= 0 {
		c.RetryWaitMin = 500 * time.Millisecond
	}
	if c.RetryWaitMax <= 0 {
		c.RetryWaitMax = 5 * time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	return c
}

// Validate reports every missing routing key, naming the severity only.
func (c Config) Validate() error {
	var errs []error
	for _, s := range alert.Severities {
		if c.RoutingKeys[s] == "" {
			errs = append(errs, fmt.Errorf("pagerduty: no routing key for severity %s", s))
		}
	}
	if c.RetryMax < 0 {
		errs = append(errs, fmt.Errorf("pagerduty: retry max %d is negative", c.RetryMax))
	}
	return errors.Join(errs...)
}
