package storm

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/outbox"
)

// Step is one thing the dispatcher does about a pending entry.
type Step struct {
	Entry outbox.Entry
	// Send: deliver Entry.Alert to PagerDuty. Otherwise settle silently.
	Send bool
	// Then is what PagerDuty knows of the key once the step is done.
	Then outbox.Delivery
}

// Plan is the outcome of Decide.
type Plan struct {
	// Record holds aggregated alerts (storm opened or over) to record in
	// the outbox before anything else; then Decide again.
	Record []alert.Alert
	// Steps for every pending entry, silent ones first.
	Steps []Step
}

// SampleSize is how many tenant ids an aggregated incident lists.
const SampleSize = 20

type group struct {
	check alert.Check
	kind  messages.Kind
}

type groupState struct {
	aggregate *outbox.Entry
	members   []outbox.Entry
}

// Decide plans the delivery of entries with storm threshold n.
func Decide(entries []outbox.Entry, n int, now time.Time) Plan {
	groups := map[group]*groupState{}
	for _, e := range entries {
		g := group{e.Alert.Check, e.Alert.Scope.Kind}
		if groups[g] == nil {
			groups[g] = &groupState{}
		}
		if e.Alert.Aggregate {
			groups[g].aggregate = &e
		} else {
			groups[g].members = append(groups[g].members, e)
		}
	}
	var p Plan
	for g, st := range groups {
		p.add(g, st, n, now)
	}
	slices.SortStableFunc(p.Steps, func(a, b Step) int { return boolCmp(a.Send, b.Send) })
	return p
}

func (p *Plan) add(g group, st *groupState, n int, now time.Time) {
	open := st.aggregate != nil && aggregateOpen(*st.aggregate)
	individual, fresh := 0, 0
	for _, m := range st.members {
		if m.Delivered == outbox.Triggered {
			individual++
		}
		if m.Pending && m.Alert.Action == alert.Trigger && m.Delivered == outbox.NotDelivered {
			fresh++
		}
	}
	inStorm := open || individual+fresh > n
	var absorbed []outbox.Entry
	for _, m := range st.members {
		step, ok := memberStep(m, inStorm)
		if ok {
			p.Steps = append(p.Steps, step)
		}
		if (ok && step.Then == outbox.Absorbed) || (!ok && m.Delivered == outbox.Absorbed) {
			absorbed = append(absorbed, m)
		}
	}
	switch {
	case inStorm && !open && len(absorbed) > 0:
		p.Record = append(p.Record, aggregate(g, alert.Trigger, absorbed, now))
	case open && len(absorbed) == 0:
		p.Record = append(p.Record, aggregate(g, alert.Resolve, nil, now))
	}
	if st.aggregate != nil && st.aggregate.Pending {
		p.Steps = append(p.Steps, sendStep(*st.aggregate))
	}
}

// memberStep plans one scope's entry; ok is false when it needs nothing.
func memberStep(m outbox.Entry, inStorm bool) (Step, bool) {
	if !m.Pending {
		return Step{}, false
	}
	if m.Alert.Action == alert.Resolve {
		if m.Delivered == outbox.Triggered {
			return Step{Entry: m, Send: true, Then: outbox.NotDelivered}, true
		}
		return Step{Entry: m, Then: outbox.NotDelivered}, true
	}
	switch {
	case m.Delivered != outbox.NotDelivered: // already open or absorbed
		return Step{Entry: m, Then: m.Delivered}, true
	case inStorm:
		return Step{Entry: m, Then: outbox.Absorbed}, true
	default:
		return Step{Entry: m, Send: true, Then: outbox.Triggered}, true
	}
}

func sendStep(agg outbox.Entry) Step {
	if agg.Alert.Action == alert.Resolve {
		if agg.Delivered == outbox.Triggered {
			return Step{Entry: agg, Send: true, Then: outbox.NotDelivered}
		}
		return Step{Entry: agg, Then: outbox.NotDelivered}
	}
	if agg.Delivered == outbox.Triggered {
		return Step{Entry: agg, Then: outbox.Triggered}
	}
	return Step{Entry: agg, Send: true, Then: outbox.Triggered}
}

func aggregateOpen(agg outbox.Entry) bool {
	if agg.Pending {
		return agg.Alert.Action == alert.Trigger
	}
	return agg.Delivered == outbox.Triggered
}

func aggregate(g group, action alert.Action, absorbed []outbox.Entry, now time.Time) alert.Alert {
	a := alert.New(g.check, action, alert.Scope{Kind: g.kind})
	a.Aggregate, a.Time = true, now
	tenants := make([]string, 0, SampleSize)
	for _, m := range absorbed {
		if len(tenants) < SampleSize {
			tenants = append(tenants, m.Alert.Scope.Tenant)
		}
	}
	slices.Sort(tenants)
	a.Summary = fmt.Sprintf("Alert storm: %s for %d %s scopes at once; individual pages suppressed",
		g.check, len(absorbed), kindName(g.kind))
	a.Details = map[string]string{
		"check": string(g.check), "kind": string(g.kind), "count": strconv.Itoa(len(absorbed)),
		"tenants_sample": strings.Join(tenants, ", "),
	}
	return a
}

func kindName(k messages.Kind) string {
	if k == "" {
		return "unknown-kind"
	}
	return string(k)
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	default:
		return 1
	}
}
