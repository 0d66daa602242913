// Package jobs is the JetStream job runtime every Arca worker uses, so that
// no worker re-implements delivery.
//
// A Worker pulls one stage's jobs from the WorkQueue stream JOBS through a
// durable pull consumer, decodes and validates each message, and runs the
// stage's handler with a heartbeat (InProgress) while it works. What the
// handler returns decides the delivery's fate:
//
//	nil                   ack: the job is done
//	error                 nak with exponential backoff and jitter; after
//	                      MaxDeliver attempts, dead-letter
//	Permanent(err)        dead-letter now
//	RetryAfter(d, err)    nak with delay d, not counted as a failure
//
// Dead-lettering copies the payload and the reason to the DLQ stream and
// publishes a dead_lettered event before it terminates the message, because
// a WorkQueue stream deletes terminated messages. A malformed or
// unknown-version message is dead-lettered the same way; the worker keeps
// serving the next job.
//
// Every publish (Publisher) carries a deterministic Nats-Msg-Id and the
// caller's trace context, so a crash between "publish the next stage" and
// "ack this one" produces no duplicate work, and one trace follows a job
// through every stage.
package jobs
