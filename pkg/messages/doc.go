// Package messages is the vocabulary every Arca service shares: the NATS
// subjects, one versioned JSON type per message, their validation, the
// deterministic message ids that make every publish idempotent, and the
// carrier that moves OpenTelemetry trace context through NATS headers.
//
// A job flows JOBS subjects stage by stage:
//
//	jobs.export.<tenant>             ExportRequested   coordinator → exporter
//	jobs.encrypt.<backup>.<part>     PartReady         exporter    → encryptor
//	jobs.upload.<backup>.<part>      PartSealed        encryptor   → uploader
//	jobs.verify.<backup>             VerifyRequested   uploader    → verifier
//
// and every stage records facts on events.<tenant>.<backup>.<stage>.<status>
// (Event). A job that cannot be handled is copied to dlq.<stage>
// (DeadLetter). Tenant ids and backup ids are data, not subject tokens: a
// subject carries Token(id), the id itself travels in the payload.
//
// The package depends on the standard library and nats.go only.
package messages
