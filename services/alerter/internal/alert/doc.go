// Package alert is the alerter's vocabulary: the checks it pages on, their
// severities, and Alert, the desired PagerDuty state of one dedup key
// (trigger or resolve) that flows from the rules and the staleness checks
// through the outbox to the sender.
//
// One incident exists per dedup key, and a key names a check, a backup kind
// and a tenant: arca/<check>/<kind>/<tenant token>. A storm's aggregated
// incident uses arca/<check>/<kind>/storm. Tenant ids are data and may hold
// any character, so the key carries messages.Token(tenant); the id itself
// travels in the alert's summary and details.
package alert
