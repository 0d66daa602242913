package outbox

import "github.com/arcabackup/arca/services/alerter/internal/alert"

// Delivery is what PagerDuty knows of a dedup key.
type Delivery string

const (
	// NotDelivered: PagerDuty holds no open incident for the key.
	NotDelivered Delivery = ""
	// Triggered: PagerDuty holds an open incident under the key.
	Triggered Delivery = "triggered"
	// Absorbed: the key's trigger is covered by its group's storm
	// incident; PagerDuty never heard of the key itself.
	Absorbed Delivery = "absorbed"
)

// Entry is one dedup key's state.
type Entry struct {
	Key      string `json:"-"` // the dedup key
	Revision uint64 `json:"-"` // KV revision, for compare-and-set
	// Alert is the latest desired state.
	Alert alert.Alert `json:"alert"`
	// Version counts the desired states recorded, so a settle of an older
	// one does not clear a newer one.
	Version uint64 `json:"version"`
	// Pending: Alert is not yet delivered.
	Pending   bool     `json:"pending"`
	Delivered Delivery `json:"delivered,omitempty"`
	// Rejected holds why PagerDuty refused Alert (HTTP 400). A rejected
	// state is not retried; the next recorded state replaces it.
	Rejected string `json:"rejected,omitempty"`
}

// settled reports whether the entry can go: nothing to send, nothing open.
func (e Entry) settled() bool {
	return !e.Pending && e.Delivered == NotDelivered && e.Rejected == ""
}

// merge returns the entry after recording a, and whether anything changed.
func merge(cur *Entry, a alert.Alert) (Entry, bool) {
	if cur == nil {
		if a.Action == alert.Resolve {
			return Entry{}, false
		}
		return Entry{Alert: a, Version: 1, Pending: true}, true
	}
	if a.Time.Before(cur.Alert.Time) || a.Action == cur.Alert.Action {
		return *cur, false
	}
	next := *cur
	next.Alert, next.Version, next.Pending, next.Rejected = a, cur.Version+1, true, ""
	return next, true
}
