// Package alerter wires the alerter service: it reads EVENTS and DLQ, turns
// facts into alerts (rules), runs the staleness checks (stale), records
// every desired incident state durably (outbox), and delivers them to
// PagerDuty (dispatch, storm, pagerduty).
//
//	EVENTS events.> ─┐                            ┌─ storm policy, rate limit
//	DLQ    dlq.>    ─┼─ rules ─► outbox (KV) ─► dispatch ─► PagerDuty Events v2
//	stale checks    ─┘    ack after the write      settle after 202
//
// An EVENTS or DLQ message is acknowledged only after its alerts are in
// the outbox, so nothing is lost between the stream and PagerDuty; the
// outbox keeps the latest state per dedup key, so nothing is sent twice
// without need. Run is the entry point for `arca dev` and the service's main.
package alerter
