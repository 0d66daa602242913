// Package schedule keeps the coordinator's JetStream message schedules and
// delivers their fires.
//
// Stream SCHEDULES (WorkQueue, AllowMsgSchedules, subjects schedules.>)
// holds one schedule message per schedule on schedules.def.<name>, carrying
// Nats-Schedule (a 6-field cron expression with seconds, a predefined
// @daily..., or "@every <duration>"), Nats-Schedule-Time-Zone (for cron
// only) and Nats-Schedule-Target: schedules.fire.<name>. The server (leader
// of the stream) stores a copy of the schedule message on the target subject
// at each fire, in the same stream, with two headers of its own:
//
//	Nats-Scheduler:      schedules.def.<name>
//	Nats-Schedule-Next:  the next fire time (RFC 3339, in the schedule's zone)
//
// and without Nats-Msg-Id. The fire's message timestamp is its scheduled
// second plus a millisecond or so, so a Fire's ScheduledAt is that
// timestamp truncated to the second, and its Key (scheduler subject + next
// time) is the same for every message the server might store for one fire.
//
// Sync publishes the configured schedules at start-up, only where the
// stored one differs (guarded by the expected last sequence per subject, so
// replicas starting together agree), and purges schedules no longer
// configured. Consumer delivers fires through one durable WorkQueue
// consumer shared by every coordinator replica: each fire goes to one
// replica, and back to another if that one dies before acking. Fires are
// never limited per subject: a newer fire must not replace one whose
// replica died mid-fan-out. (After an outage the waiting fires run in turn;
// their jobs defer to the ones still in flight.)
package schedule
