package rules

import (
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
)

// streamChecks are the wal-check stages of wal-receive's stream, each its
// own check: a stream that recovers must not resolve a slot that still
// fills the primary's disk, nor an archive check resolve either.
var streamChecks = map[string]alert.Check{
	messages.StageWALStream: alert.WALStreamLag,
	messages.StageWALSlot:   alert.WALSlotRetention,
}

// walStream pages a failed stream check and resolves it when it passes.
func walStream(e messages.Event, c alert.Check, mk func(alert.Check, alert.Action) alert.Alert) []alert.Alert {
	switch e.Status {
	case messages.StatusFailed:
		a := mk(c, alert.Trigger)
		a.Summary = "WAL stream: " + e.Error
		return []alert.Alert{a}
	case messages.StatusSucceeded:
		return []alert.Alert{mk(c, alert.Resolve)}
	}
	return nil
}
