// Package source holds how the exporter connects to the database it backs
// up: the primary or a replica URL, per-session statement and lock
// timeouts, and Limiter, the per-source cap on concurrent exports that the
// exporter's main shares between jobs.
package source
