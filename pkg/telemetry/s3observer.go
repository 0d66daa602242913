package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// S3Observer counts the S3 store's retries and throttles. It implements
// s3store.Observer (pkg/objstore/s3store); pass it as the store's observer.
type S3Observer struct{ m *Metrics }

// S3 returns the observer to give the S3 store.
func (m *Metrics) S3() S3Observer { return S3Observer{m: m} }

// Retry records that attempt of op failed with err and is being retried.
// The error is not recorded: it could carry an object key.
func (o S3Observer) Retry(op string, _ int, _ error) {
	o.m.s3Retries.Add(context.Background(), 1, metric.WithAttributes(attribute.String(keyOp, op)))
}

// Throttled records a 503 SlowDown or 429 answer to op.
func (o S3Observer) Throttled(op string) {
	o.m.s3Throttles.Add(context.Background(), 1, metric.WithAttributes(attribute.String(keyOp, op)))
}
