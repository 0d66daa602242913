// Package teststack starts the real services Arca's tests run against: a
// database of their own on the machine's PostgreSQL, an embedded NATS
// JetStream server (single node or a 3-node cluster) on random ports, and a
// versitygw S3 gateway on loopback.
//
// A test that needs a service fails when the service is missing; it never
// skips silently, so CI cannot pass by testing nothing.
package teststack
