// Package tracker follows every job through the EVENTS stream and records
// what happened in the catalog: stage by stage, the job's state, bytes and
// times; commits as backups; verifications; drills; and, when a run's last
// job is final, the run's outcome.
//
// It reads EVENTS through one durable pull consumer ("coordinator") that
// every coordinator replica shares (EVENTS is a limits stream, so the
// alerter reads it too, with its own consumer; JOBS is never read here).
// Each event is applied in one catalog transaction keyed by its
// Nats-Msg-Id (deterministic: messages.EventMsgID), then acked, so a
// redelivery, a replay or two replicas racing change nothing twice. A
// malformed event is acked and logged: it cannot become valid by waiting.
package tracker
