// Package dispatch delivers the outbox to PagerDuty: one loop that wakes
// when an alert is recorded (after a short gathering delay, so a burst is
// planned as one), asks the storm policy what to send, sends through a
// rate limiter, and settles each entry in the outbox once PagerDuty has
// accepted it.
//
// When PagerDuty is unreachable or answers 429 or 5xx (after the HTTP
// client's own retries), the pass stops, the entries stay pending in the
// outbox, and the loop retries with exponential backoff until PagerDuty
// answers again; a restart resumes from the outbox. An alert PagerDuty
// rejects as invalid (400) is marked rejected and logged, not retried.
//
// Run exactly one dispatcher per outbox: two would send the same entries
// twice (harmless for PagerDuty's dedup, but it doubles the requests).
package dispatch
