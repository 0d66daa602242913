// Package storm decides, for the entries of the outbox, what the dispatcher
// sends to PagerDuty and what it settles silently, so that an alert storm
// yields a bounded number of requests.
//
// Policy. Alerts are grouped by check and kind (backup-failed of tenant
// exports is one group). A group is in a storm when it has an open
// aggregated incident, or when its individually open incidents plus its new
// triggers exceed the threshold N (default 10). In a storm, new triggers are
// not sent one by one: they are absorbed, and one aggregated incident per
// group (dedup key arca/<check>/<kind>/storm) is triggered, listing how many
// scopes it stands for and some of their tenant ids. Absorbed scopes resolve
// silently; when none is left, the aggregated incident is resolved. So a
// group costs at most N individual triggers, one aggregated trigger, and
// their resolves, however many tenants fail: 200 tenant exports failing at
// once page at most N+1 times.
//
// Decide is pure; the dispatcher records the aggregates it asks for in the
// outbox, then asks again, and executes the steps.
package storm
