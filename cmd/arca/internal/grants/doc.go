// Package grants is the one place that says what each Arca service may
// touch: its NATS subjects (publish and subscribe, with the JetStream API
// subjects of exactly the streams, consumers, KV and object buckets it
// uses), its S3 actions, and its PostgreSQL role. Everything deployed is
// generated from Services:
//
//	deploy/compose/nats/accounts.conf   NATS users and permissions
//	deploy/grants/s3/<service>.json      IAM policy per service
//	deploy/grants/postgres.sql           PostgreSQL roles
//
// Regenerate with `go generate ./internal/grants` (in cmd/arca) or
// `make grants`; a test fails while a committed file differs from what
// Services generates, and another runs the stages against a real
// nats-server holding the generated permissions.
package grants

//go:generate go run ./gen -root ../../../..
