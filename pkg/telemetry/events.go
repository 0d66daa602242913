package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/arcabackup/arca/pkg/messages"
)

// StageDrill is the stage of restore drill events (as the alerter names it).
const StageDrill = "drill"

// RecordEvent counts a backup event and moves the gauges it implies. The
// service that consumes EVENTS (the coordinator, which records them in the
// catalog) calls it for each event it reads. The rules are the alerter's
// (services/alerter/internal/rules): an artifact-level succeeded event of
// the upload stage is a commit (its Bytes the artifact's size); a commit or
// a verification is a successful backup; a succeeded drill is a drill.
func (m *Metrics) RecordEvent(e messages.Event) {
	kind := string(e.Kind)
	m.events.Add(context.Background(), 1, metric.WithAttributeSet(attribute.NewSet(
		attribute.String(keyStage, e.Stage), attribute.String(keyStatus, string(e.Status)), attribute.String(keyKind, kind))))
	if e.Status != messages.StatusSucceeded || e.Part != nil {
		return
	}
	switch e.Stage {
	case messages.StageUpload:
		m.BackupSucceeded(e.Tenant, kind, e.Time)
		if e.Bytes > 0 {
			m.BackupCommitted(e.Tenant, kind, e.Bytes)
		}
	case messages.StageVerify:
		m.BackupSucceeded(e.Tenant, kind, e.Time)
	case StageDrill:
		m.DrillSucceeded(e.Tenant, kind, e.Time)
	}
}
