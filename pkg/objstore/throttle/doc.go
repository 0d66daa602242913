// Package throttle slows every request of a process (and, wired to NATS, of
// a fleet) when the object store says it is overloaded: S3 answers 503
// SlowDown or 429 when a prefix receives more requests than it can serve,
// and retrying each request on its own schedule only keeps the pressure on.
//
// A Limiter is an AIMD rate limit shared by all clients of the process. It
// is unlimited until the first throttle signal; then it allows half the rate
// it observed, halving again on each further signal (at most once per
// CutInterval, so that a burst of rejections from requests already in flight
// counts once), and climbs back additively with each success until it is
// unlimited again.
//
// The fleet: Config.OnThrottle is called for every local signal. The uploader
// wires it to publish on a core NATS subject (e.g. "arca.store.throttled"),
// and feeds every message received on that subject to Limiter.Signal, so that
// one replica's SlowDown halves every replica's rate. Nothing here depends on
// NATS; a Limiter without the hook limits its own process only.
package throttle
