package rules

import (
	"fmt"
	"strconv"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
)

// Limits are the thresholds the event rules apply.
type Limits struct {
	// MaxBackupBytes: a committed artifact larger than this raises
	// backup-too-large. Zero disables the check.
	MaxBackupBytes int64
}

// Event returns the alerts one event implies, in order.
func Event(e messages.Event, l Limits) []alert.Alert {
	scope := alert.Scope{Tenant: e.Tenant, Kind: e.Kind}
	mk := func(c alert.Check, action alert.Action) alert.Alert {
		a := alert.New(c, action, scope)
		a.Stage, a.Time, a.Details = e.Stage, e.Time, eventDetails(e)
		return a
	}
	if c, ok := streamChecks[e.Stage]; ok && e.Kind == messages.KindWAL {
		return walStream(e, c, mk)
	}
	if d := e.Attrs[messages.DestinationAttr]; d != "" {
		return copyEvent(e, d, mk)
	}
	switch {
	case e.Status == messages.StatusFailed && isVerifyStage(e.Stage):
		a := mk(alert.VerificationFailed, alert.Trigger)
		a.Summary = fmt.Sprintf("Verification failed: %s at stage %s", scope, e.Stage)
		return []alert.Alert{a}
	case e.Status == messages.StatusFailed:
		a := mk(alert.BackupFailed, alert.Trigger)
		a.Summary = fmt.Sprintf("Backup failed: %s at stage %s", scope, e.Stage)
		return []alert.Alert{a}
	case e.Status == messages.StatusDeadLettered:
		a := mk(alert.DeadLettered, alert.Trigger)
		a.Summary = fmt.Sprintf("Job dead-lettered: %s at stage %s", scope, e.Stage)
		return []alert.Alert{a}
	case IsDrillSuccess(e):
		return []alert.Alert{mk(alert.VerificationFailed, alert.Resolve)}
	case IsBackupSuccess(e) && e.Stage == messages.StageVerify:
		// A verification is of a backup committed before it, whose commit
		// resolved what failed earlier. It says nothing of a run that failed
		// since: an older backup's verification finishing after a newer run
		// failed left that failure unpaged (resolved before delivery).
		return []alert.Alert{mk(alert.VerificationFailed, alert.Resolve)}
	case IsBackupSuccess(e):
		out := []alert.Alert{mk(alert.BackupFailed, alert.Resolve), mk(alert.DeadLettered, alert.Resolve)}
		if a, ok := tooLarge(e, l, mk); ok {
			out = append(out, a)
		}
		return out
	}
	return nil
}

func tooLarge(e messages.Event, l Limits, mk func(alert.Check, alert.Action) alert.Alert) (alert.Alert, bool) {
	if !IsCommit(e) || e.Bytes <= 0 || l.MaxBackupBytes <= 0 {
		return alert.Alert{}, false
	}
	if e.Bytes <= l.MaxBackupBytes {
		return mk(alert.BackupTooLarge, alert.Resolve), true
	}
	a := mk(alert.BackupTooLarge, alert.Trigger)
	a.Summary = fmt.Sprintf("Backup larger than the limit: %s is %d bytes (limit %d)",
		alert.Scope{Tenant: e.Tenant, Kind: e.Kind}, e.Bytes, l.MaxBackupBytes)
	a.Details["limit_bytes"] = strconv.FormatInt(l.MaxBackupBytes, 10)
	return a, true
}

func eventDetails(e messages.Event) map[string]string {
	d := map[string]string{"tenant": e.Tenant, "kind": string(e.Kind), "stage": e.Stage, "status": string(e.Status)}
	set := func(k, v string) {
		if v != "" {
			d[k] = v
		}
	}
	set("backup_id", e.BackupID)
	set("run", e.Run)
	set("error", e.Error)
	if e.Bytes > 0 {
		d["bytes"] = strconv.FormatInt(e.Bytes, 10)
	}
	if e.Attempt > 0 {
		d["attempt"] = strconv.Itoa(e.Attempt)
	}
	if !e.Time.IsZero() {
		d["event_time"] = e.Time.UTC().Format("2006-01-02T15:04:05Z07:00")
	}
	return d
}

// copyEvent is the rule of an event about a backup's copy in a further
// destination: a failed copy or a failed verification of it triggers
// copy-missing for that destination, the copy's verification resolves it.
// It never touches the primary's incidents: a good copy does not make a
// failed primary good.
func copyEvent(e messages.Event, destination string, mk func(alert.Check, alert.Action) alert.Alert) []alert.Alert {
	mkd := func(action alert.Action) alert.Alert {
		a := mk(alert.CopyMissing, action)
		a.Scope.Destination = destination
		a.Details["destination"] = destination
		return a
	}
	copyOrVerify := e.Stage == messages.StageCopy || e.Stage == messages.StageVerify || e.Stage == messages.StageArchiveCopy
	switch {
	case copyOrVerify && e.Status == messages.StatusFailed:
		a := mkd(alert.Trigger)
		a.Summary = fmt.Sprintf("Copy missing: %s, backup %s, at stage %s", a.Scope, e.BackupID, e.Stage)
		return []alert.Alert{a}
	case e.Stage == messages.StageVerify && e.Status == messages.StatusSucceeded && e.Part == nil,
		e.Stage == messages.StageArchiveCopy && e.Status == messages.StatusSucceeded:
		return []alert.Alert{mkd(alert.Resolve)}
	}
	return nil
}
