package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/arcabackup/arca/pkg/messages"
)

// knownStages are the stages whose failure counters start at zero.
var knownStages = []string{
	messages.StageCoordinate, messages.StageExport, messages.StageEncrypt,
	messages.StageUpload, messages.StageVerify, StageDrill,
}

// knownS3Ops are the S3 operations whose retry and throttle counters
// start at zero, so that the dashboard's S3 panels and rate() see a series
// before the first retry.
var knownS3Ops = []string{"PutObject", "GetObject", "HeadObject", "CreateMultipartUpload", "UploadPart",
	"CompleteMultipartUpload", "AbortMultipartUpload", "ListObjectsV2", "DeleteObject"}

var knownKinds = []messages.Kind{messages.KindTenant, messages.KindFull, messages.KindBase, messages.KindWAL}

// zero exports the counters that alert rules watch with a value of 0 from
// the start: Prometheus' increase() cannot see the first increment of a
// series that did not exist before it, so a process's first dead letter
// would otherwise never page.
func (m *Metrics) zero() {
	ctx := context.Background()
	for _, op := range knownS3Ops {
		set := metric.WithAttributeSet(attribute.NewSet(attribute.String(keyOp, op)))
		m.s3Retries.Add(ctx, 0, set)
		m.s3Throttles.Add(ctx, 0, set)
	}
	for _, stage := range knownStages {
		set := metric.WithAttributeSet(attribute.NewSet(attribute.String(keyStage, stage)))
		m.failures.Add(ctx, 0, set)
		m.deadLetters.Add(ctx, 0, set)
		for _, kind := range knownKinds {
			for _, status := range []messages.Status{messages.StatusFailed, messages.StatusDeadLettered} {
				m.events.Add(ctx, 0, metric.WithAttributeSet(attribute.NewSet(attribute.String(keyStage, stage),
					attribute.String(keyStatus, string(status)), attribute.String(keyKind, string(kind)))))
			}
		}
	}
}
