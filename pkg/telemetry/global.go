package telemetry

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
)

// SetGlobal installs the providers as OpenTelemetry's globals, and W3C
// trace context and baggage as the propagator, for code that uses
// otel.Tracer or otel.Meter (and for jobs.Config without a Tracer). A
// service's main calls it once; tests do not, to stay independent.
func (t *Telemetry) SetGlobal() {
	otel.SetTracerProvider(t.TracerProvider)
	otel.SetMeterProvider(t.MeterProvider)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
}
