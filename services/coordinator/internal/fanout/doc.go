// Package fanout turns one run into one export job per tenant.
//
// A run first claims its row in the catalog (a redelivered fire finds the
// run it started before), then reads the tenant list afresh (new tenants
// are included, removed ones are not, and the catalog remembers which were
// removed), records each tenant's job and publishes its ExportRequested on
// jobs.export.<tenant-token> with Nats-Msg-Id export:<backup-id>. The
// backup id derives from the kind, the run and the tenant, so a fire
// handled twice (a coordinator killed mid-fan-out, its fire redelivered to
// another replica) publishes the same ids and JetStream drops the repeats.
// A tenant whose previous job of the same kind is still in flight is
// recorded as skipped rather than queued twice. The run is marked fanned
// out only after every job is published; from then on the events complete
// it.
package fanout
