package stack

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/trace"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/telemetry"
)

// Observability is one process's telemetry: one metrics endpoint, and a
// tracer provider per service so that each service's spans carry its own
// service.name even when arca dev runs them all in one process.
type Observability struct {
	Metrics *telemetry.Metrics
	main    *telemetry.Telemetry
	tracers map[string]*telemetry.Telemetry
}

// Observe sets up telemetry for the named services. The metrics endpoint is
// ARCA_METRICS_ADDR (default 127.0.0.1:9464); if it cannot be bound and more than one
// service runs here (arca dev), metrics are served nowhere rather than
// failing the process.
func Observe(ctx context.Context, services []string, log *slog.Logger) (*Observability, error) {
	name := "arca-dev"
	if len(services) == 1 {
		name = "arca-" + services[0]
	}
	main, err := telemetry.Setup(ctx, name, telemetry.WithLogger(log))
	if err != nil && len(services) > 1 {
		log.Warn("metrics endpoint not served", "err", err)
		main, err = telemetry.Setup(ctx, name, telemetry.WithLogger(log), telemetry.WithMetricsAddr("off"))
	}
	if err != nil {
		return nil, err
	}
	main.SetGlobal()
	o := &Observability{Metrics: main.Metrics, main: main, tracers: map[string]*telemetry.Telemetry{}}
	if len(services) > 1 {
		for _, s := range services {
			t, err := telemetry.Setup(ctx, "arca-"+s, telemetry.WithLogger(log), telemetry.WithMetricsAddr("off"))
			if err != nil {
				_ = o.Shutdown(context.Background()) // the set-up error is the one to report
				return nil, err
			}
			o.tracers[s] = t
		}
	}
	return o, nil
}

// Tracer is the tracer provider of one service.
func (o *Observability) Tracer(service string) trace.TracerProvider {
	if t, ok := o.tracers[service]; ok {
		return t.TracerProvider
	}
	return o.main.TracerProvider
}

// SetGlobalFor makes a service's tracer the process-wide one (the
// coordinator's fan-out uses the global tracer).
func (o *Observability) SetGlobalFor(service string) {
	if t, ok := o.tracers[service]; ok {
		t.SetGlobal()
	}
}

// MetricsAddr is where /metrics is served ("" when nowhere).
func (o *Observability) MetricsAddr() string { return o.main.MetricsAddr() }

// Shutdown flushes spans and stops the endpoint.
func (o *Observability) Shutdown(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	errs := []error{o.main.Shutdown(ctx)}
	for _, t := range o.tracers {
		errs = append(errs, t.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// WatchEvents feeds the backup events (the last of each subject first, then
// every new one) into the metrics: last success per tenant, last drill,
// sizes. It runs until ctx ends.
func (o *Observability) WatchEvents(ctx context.Context, js jetstream.JetStream) error {
	stopEvents, err := jobs.FollowEvents(ctx, js, jetstream.DeliverLastPerSubjectPolicy, o.Metrics.RecordEvent)
	if err != nil {
		return err
	}
	context.AfterFunc(ctx, stopEvents)
	stop, err := o.Metrics.WatchQueues(telemetry.JetStreamQueues(js, messages.StreamJobs, messages.QueueStages...))
	if err != nil {
		return err
	}
	context.AfterFunc(ctx, func() { _ = stop() })
	return nil
}
