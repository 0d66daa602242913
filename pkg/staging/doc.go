// Package staging holds an artifact's parts between pipeline stages: two
// JetStream Object Store buckets with a TTL and a byte limit, shared by every
// replica on every host, one for plaintext parts (exporter to encryptor) and
// one for sealed parts and export facts (to the uploader), so that NATS
// permissions can keep every service but those two away from plaintext.
// A writer whose attempt failed deletes what it stored (PartWriter.Discard)
// but the parts a reader has claimed (Claim, DeleteUnchanged decide who came
// first); the TTL collects what is left behind all the same; the byte limit
// bounds the footprint, and the exporter's back-pressure keeps each artifact
// to a few parts in flight. Each stage deletes a part as soon as the next
// form of it is stored; the servers encrypt their store at rest, since the
// file store does not erase deleted messages.
//
// PartWriter cuts a stream into parts as it is written: each part is held
// in memory while it is stored, so that a failed put is retried alone, and
// a callback announces it to the next stage; the next part fills meanwhile,
// so a writer holds at most two parts. A streaming PartWriter
// (NewStreamingPartWriter, a batch export's members) instead puts each part
// as it is written and holds only the put's window of chunks; a failed put
// fails it, and its caller retries the whole attempt. Put and Get fail
// only when a transfer makes no progress for the stall timeout, not after
// the NATS client's default 5 s.
//
// The buckets are nats.go object stores in nats.go's format, but Put and
// Get are this package's: on a replicated cluster every read goes to the
// stream leader (a follower may not yet hold a put the leader
// acknowledged), on a single replica a part is read in batches of chunks
// (decision 50), and a put's metadata is stored only if no other put of
// the key was stored since it began (a failed put's late messages must not
// replace its retry). docs/DESIGN.md §10.22.
package staging
