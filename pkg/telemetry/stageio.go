package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// BytesIn records n bytes a stage read (a part taken from staging, rows
// copied out of PostgreSQL).
func (m *Metrics) BytesIn(stage string, n int64) { m.addBytes(stage, "in", n) }

// BytesOut records n bytes a stage wrote (a sealed part, an uploaded part).
func (m *Metrics) BytesOut(stage string, n int64) { m.addBytes(stage, "out", n) }

func (m *Metrics) addBytes(stage, direction string, n int64) {
	if n <= 0 {
		return
	}
	m.stageBytes.Add(context.Background(), n, metric.WithAttributeSet(attribute.NewSet(
		attribute.String(keyStage, stage), attribute.String(keyDirection, direction))))
}

// Part records that a stage finished one part.
func (m *Metrics) Part(stage string) {
	m.parts.Add(context.Background(), 1, metric.WithAttributes(attribute.String(keyStage, stage)))
}
