package alert

import "time"

// Action is the desired state of an incident.
type Action string

const (
	Trigger Action = "trigger"
	Resolve Action = "resolve"
)

// Alert is the desired PagerDuty state of one dedup key. It never holds a
// routing key (the sender picks it by severity) nor row data.
type Alert struct {
	Check    Check    `json:"check"`
	Action   Action   `json:"action"`
	Scope    Scope    `json:"scope"`
	Severity Severity `json:"severity"`
	// Summary is the page's one-line title.
	Summary string `json:"summary,omitempty"`
	// Stage is the pipeline stage that reported the fact, if any.
	Stage string `json:"stage,omitempty"`
	// Details are shown on the incident: backup id, reason, sizes, times.
	Details map[string]string `json:"details,omitempty"`
	// Aggregate marks a storm's single incident standing for many scopes.
	Aggregate bool `json:"aggregate,omitempty"`
	// Time is when the fact happened (event time, or check time). For one
	// dedup key, a state older than the one recorded is ignored.
	Time time.Time `json:"time"`
}

// New builds an alert of a check, with the check's severity.
func New(c Check, action Action, scope Scope) Alert {
	return Alert{Check: c, Action: action, Scope: scope, Severity: c.Severity()}
}

// DedupKey is the PagerDuty dedup key: one incident per check, kind and
// tenant, or per check and kind for a storm's aggregate.
func (a Alert) DedupKey() string {
	if a.Aggregate {
		return StormKey(a.Check, a.Scope.Kind)
	}
	key := "arca/" + string(a.Check) + "/" + a.Scope.kindToken() + "/" + tenantToken(a.Scope.Tenant)
	if a.Scope.Destination != "" {
		key += "/" + a.Scope.Destination
	}
	return key
}
