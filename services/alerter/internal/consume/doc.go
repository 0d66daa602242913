// Package consume reads a JetStream stream through a durable pull consumer
// with explicit acks and hands each message to a handler, one at a time and
// in stream order. The alerter uses it on EVENTS (filter events.>) and DLQ
// (dlq.>): both keep their messages (limits retention), so acking only
// moves the alerter's cursor, and other readers are unaffected.
//
// What the handler returns decides the message's fate:
//
//	nil             ack: its alerts are recorded in the outbox
//	Malformed(err)  terminate: it can never be read; the message stays in
//	                the stream for inspection and the loop goes on
//	other error     nak with a delay: recording failed, try again
//
// jobs.Worker could serve here if it accepted any stream and a raw handler;
// until then this loop is deliberately small.
package consume
