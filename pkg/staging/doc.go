// Package staging holds an artifact's parts between pipeline stages: a
// JetStream Object Store bucket with a TTL and a byte limit, shared by every
// replica on every host. The TTL collects parts an abandoned attempt left
// behind; the byte limit bounds the footprint, and the exporter's
// back-pressure keeps each artifact to a few parts in flight.
//
// PartWriter cuts a stream into parts as it is written: each part streams
// straight into the bucket (never buffered whole), and a callback announces
// it to the next stage.
package staging
