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
//	Permanent(err)        dead-letter now (a *PermanentError, River's
//	                      JobCancelError)
//	RetryAfter(d, err)    nak with delay d, not counted as a failure (a
//	                      *RetryAfterError, River's JobSnoozeError)
//
// Failures that are only slowness (time-outs, RetryAfter) dead-letter a job
// only once it is also older than RetryFor, so load alone cannot exhaust
// its deliveries. A handler that panics fails its attempt (the stack goes
// to the log); one that reports no progress (Job.Progress) for Timeout is
// cancelled, and abandoned if it ignores the cancellation, so a hung
// handler is never kept alive by its heartbeat. On a redelivery the
// completion ledger is read before anything else: a completed job is acked
// again, never dead-lettered.
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
//
// Consume is the one loop for streams outside the job runtime (the
// coordinator's schedule fires and event tracker, the alerter's EVENTS and
// DLQ readers): a durable pull consumer, one message at a time with a
// heartbeat, settled by the same outcomes (nil acks, Permanent terminates,
// RetryAfter and other errors nak with a delay), without dead letters or
// the ledger.
package jobs
