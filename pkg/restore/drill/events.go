package drill

import (
	"fmt"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/messages"
)

// Events are what a drill records on EVENTS: one event per tenant
// restored (with its measured RTO) and one for the run, which the catalog
// records and the alerter's drill-overdue check reads.
func (r Report) Events(run string) []messages.Event {
	var out []messages.Event
	for _, t := range r.Tenants {
		out = append(out, messages.Event{
			Tenant: t.Tenant, Kind: messages.KindTenant, BackupID: t.BackupID, Run: run, Stage: messages.StageDrill,
			Status: status(t.Passed), Error: t.Reason, Bytes: t.PlainBytes, Duration: messages.Duration(t.RTO),
			Attrs: map[string]string{"rto_seconds": fmt.Sprintf("%.3f", t.RTOSeconds)},
		})
	}
	return append(out, messages.Event{Run: run, Stage: messages.StageDrill, Status: status(r.Passed),
		Duration: messages.Duration(r.FinishedAt.Sub(r.StartedAt)), Attrs: map[string]string{"tenants": fmt.Sprint(len(r.Tenants))}})
}

// Event is the drill event of the full dump's restore.
func (f FullReport) Event(run string) messages.Event {
	return messages.Event{
		Kind: messages.KindFull, BackupID: f.BackupID, Run: run, Stage: messages.StageDrill, Status: status(f.Passed), Error: f.Reason,
		Duration: messages.Duration(time.Duration(f.RTOSeconds * float64(time.Second))),
		Attrs:    map[string]string{"rto_seconds": fmt.Sprintf("%.3f", f.RTOSeconds), "tables": fmt.Sprint(f.Tables)},
	}
}

func status(passed bool) messages.Status {
	if passed {
		return messages.StatusSucceeded
	}
	return messages.StatusFailed
}

// Err is nil when the drill passed, the tenants and (when there is one)
// the full dump; otherwise it names each failure with its reason.
func (r Report) Err(full *FullReport) error {
	var failed []string
	if full != nil && !full.Passed {
		failed = append(failed, "full dump "+full.BackupID+": "+full.Reason)
	}
	for _, t := range r.Tenants {
		if !t.Passed {
			failed = append(failed, t.Tenant+" ("+t.BackupID+"): "+t.Reason)
		}
	}
	if len(failed) == 0 && r.Passed {
		return nil
	}
	return fmt.Errorf("drill failed: %s", strings.Join(failed, "; "))
}
