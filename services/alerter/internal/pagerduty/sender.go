package pagerduty

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/arcabackup/arca/services/alerter/internal/alert"
)

// Sender delivers alerts to the Events API v2. Safe for concurrent use.
type Sender struct {
	client *pd.Client
	cfg    Config
}

// New validates cfg and builds the client.
func New(cfg Config) (*Sender, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rc := retryablehttp.NewClient()
	rc.Logger = nil // its request log adds nothing, and stays quiet on stderr
	rc.RetryMax, rc.RetryWaitMin, rc.RetryWaitMax = cfg.RetryMax, cfg.RetryWaitMin, cfg.RetryWaitMax
	rc.HTTPClient.Timeout = cfg.Timeout
	client := pd.NewClient("", pd.WithV2EventsAPIEndpoint(cfg.Endpoint))
	client.HTTPClient = rc.StandardClient()
	return &Sender{client: client, cfg: cfg}, nil
}

// Send delivers one alert. The error is a *RejectedError (Permanent) when
// PagerDuty refused the event as invalid; any other error may heal.
func (s *Sender) Send(ctx context.Context, a alert.Alert) error {
	ev := s.event(a)
	resp, err := s.client.ManageEventWithContext(ctx, ev)
	var apiErr pd.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest:
		return &RejectedError{DedupKey: ev.DedupKey, Reason: apiErr.Error()}
	case err != nil:
		return fmt.Errorf("pagerduty %s %s: %w", a.Action, ev.DedupKey, err)
	case resp.Status != "" && resp.Status != "success":
		return fmt.Errorf("pagerduty %s %s: status %q: %s", a.Action, ev.DedupKey, resp.Status, resp.Message)
	}
	return nil
}

func (s *Sender) event(a alert.Alert) *pd.V2Event {
	ev := &pd.V2Event{
		RoutingKey: s.cfg.RoutingKeys[a.Severity].reveal(),
		Action:     string(a.Action),
		DedupKey:   a.DedupKey(),
		Client:     "Arca",
	}
	if a.Action != alert.Trigger {
		return ev
	}
	runbook := s.cfg.RunbookBaseURL + string(a.Check) + ".md"
	if a.Aggregate {
		runbook = s.cfg.RunbookBaseURL + "alert-storm.md"
	}
	details := map[string]string{"check": string(a.Check), "runbook": runbook}
	for k, v := range a.Details {
		details[k] = v
	}
	ev.Links = []any{map[string]string{"href": runbook, "text": "Runbook: " + string(a.Check)}}
	ev.Payload = &pd.V2Payload{
		Summary:   truncate(a.Summary, 1024),
		Source:    s.cfg.Source,
		Severity:  a.Severity.PagerDuty(),
		Timestamp: a.Time.UTC().Format(time.RFC3339),
		Component: a.Stage,
		Group:     string(a.Scope.Kind),
		Class:     string(a.Check),
		Details:   details,
	}
	return ev
}

// truncate cuts s to at most n bytes of valid UTF-8 (PagerDuty's summary limit).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n-3], "") + "..."
}

// Event is the Events API v2 event Send would post for a (arca alerter
// --dry-run); it carries the routing key the Sender was built with.
func (s *Sender) Event(a alert.Alert) *pd.V2Event { return s.event(a) }
