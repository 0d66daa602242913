// Package stale pages when something that should happen regularly has not:
// no successful backup of a tenant within a kind's limit (24 h for tenant
// exports), no successful restore drill within 30 days.
//
// The times come from a Freshness source. The catalog implements it from
// its tables; Memory implements it from the events the alerter reads, so
// the alerter works without the catalog. Check compares them with the
// clock and returns, for every known scope, a trigger (stale) or a resolve
// (fresh again); the outbox turns repeated states into no-ops.
package stale
