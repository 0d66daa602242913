// Package faultproxy is an HTTP reverse proxy on loopback that stands
// between an S3 client and the server and injects the faults a real network
// and a busy S3 produce: 503 SlowDown and 429 (with S3's XML error body),
// 500 InternalError, connections reset mid-request, and slow responses.
// A Decider chooses the fault for each request: a fixed script, seeded
// probabilities, or both. Tests use it to prove that uploads still end with
// a correct object, and that the retries show in the metrics.
package faultproxy
