// Package pagerduty sends alerts to the PagerDuty Events API v2 with
// github.com/PagerDuty/go-pagerduty, over a go-retryablehttp client that
// retries connection errors, 429 and 5xx with backoff (honouring
// Retry-After) before giving up to the dispatcher, whose outbox keeps the
// alert until PagerDuty answers.
//
// A trigger carries summary, source, severity (Arca's critical, high,
// warning map to critical, error, warning), component (stage), group
// (kind), class (check), custom details and a runbook link; a resolve
// carries the dedup key only. Each Arca severity may route to its own
// integration. Routing keys are RoutingKey values, which never print: not
// in logs, errors, or %v/%+v/%#v formatting.
package pagerduty
