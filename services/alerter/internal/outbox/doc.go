// Package outbox keeps the alerts PagerDuty has not yet been told, durably,
// in a JetStream KV bucket (ALERTS by default), so that nothing is lost
// while PagerDuty is unreachable or the alerter restarts.
//
// The bucket holds one entry per dedup key: the latest desired state
// (trigger or resolve) and what PagerDuty knows of the key (Delivery).
// Recording a state that is already desired, or older than the recorded
// one, changes nothing; so a storm of repeated failures, or a failure and
// its recovery while PagerDuty is down, collapses to the latest state per
// key. A resolve for a key PagerDuty never heard of is not sent at all.
//
// Writers: the consumers Record; one dispatcher reads Entries and Settles
// them after delivery. Every write is a compare-and-set on the KV revision,
// and an entry is deleted only when it is settled and PagerDuty holds no
// open incident for it.
package outbox
