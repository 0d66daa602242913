package rules

import (
	"fmt"
	"strconv"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
)

// DeadLetter returns the alert a DLQ message implies. The job runtime also
// publishes a dead_lettered event for it; both map to the same dedup key,
// so the outbox keeps one incident. A dead letter whose payload could not
// be read has an empty scope: all of those share one incident per kind.
func DeadLetter(d messages.DeadLetter) []alert.Alert {
	scope := alert.Scope{Tenant: d.About.Tenant, Kind: d.About.Kind}
	a := alert.New(alert.DeadLettered, alert.Trigger, scope)
	a.Stage, a.Time = d.Stage, d.Time
	a.Summary = fmt.Sprintf("Job dead-lettered: %s at stage %s", scope, d.Stage)
	a.Details = map[string]string{
		"tenant": d.About.Tenant, "kind": string(d.About.Kind), "stage": d.Stage,
		"backup_id": d.About.BackupID, "reason": d.Reason, "subject": d.Subject,
		"deliveries":     strconv.FormatUint(d.Deliveries, 10),
		"dlq_source_seq": strconv.FormatUint(d.StreamSeq, 10),
	}
	return []alert.Alert{a}
}
