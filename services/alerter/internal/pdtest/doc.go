// Package pdtest is a local PagerDuty Events API v2 receiver for tests: it
// implements the contract (POST /v2/enqueue; routing_key of 32 characters;
// event_action trigger, acknowledge or resolve; dedup_key; for a trigger,
// payload.summary, source and a severity among critical, error, warning,
// info), answers 202 with {"status":"success","message":"Event
// processed","dedup_key":...} or 400 for an invalid event, keeps the
// incidents per dedup key, and can be scripted to answer 429 or 500, or to
// refuse connections, until it recovers.
package pdtest
