// Package health runs the checks of `arca check`: the source database and
// its WAL archiving, the bucket, the keyring, the NATS streams and the
// catalog. Each check appends findings (ok, warn, fail) to a Findings, one
// line each, naming what to change; Report sums them up. Nothing a check
// does changes the system, except the bucket probe it writes and deletes.
package health
