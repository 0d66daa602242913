// Package staging holds an artifact's parts between pipeline stages: two
// JetStream Object Store buckets with a TTL and a byte limit, shared by every
// replica on every host, one for plaintext parts (exporter to encryptor) and
// one for sealed parts and export facts (to the uploader), so that NATS
// permissions can keep every service but those two away from plaintext.
// The TTL collects parts an abandoned attempt left behind; the byte limit
// bounds the footprint, and the exporter's back-pressure keeps each artifact
// to a few parts in flight. Each stage deletes a part as soon as the next
// form of it is stored; the servers encrypt their store at rest, since the
// file store does not erase deleted messages.
//
// PartWriter cuts a stream into parts as it is written: each part streams
// straight into the bucket (never buffered whole), and a callback announces
// it to the next stage.
package staging
