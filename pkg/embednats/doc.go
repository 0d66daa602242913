// Package embednats runs a NATS JetStream server inside the current process,
// on loopback and random ports unless told otherwise. `arca dev` and the
// tests use it; production deployments run nats-server clusters instead.
//
// Message schedules (cron with time zone), which the coordinator relies on,
// need nats-server 2.14 or newer: this package pins the server module, so
// the version is whatever go.mod says, never the machine's nats-server.
package embednats
