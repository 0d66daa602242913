package telemetry

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Telemetry is one service's tracer provider, meter provider and metrics.
type Telemetry struct {
	// TracerProvider goes to jobs.Config.Tracer and to any code that starts
	// its own spans. It is a no-op provider when tracing is off.
	TracerProvider trace.TracerProvider
	// MeterProvider is for instruments beyond Metrics.
	MeterProvider metric.MeterProvider
	// Metrics are Arca's instruments.
	Metrics *Metrics

	handler  http.Handler
	server   *metricsServer
	shutdown []func(context.Context) error
}

// Setup builds the telemetry of service (its service.name) from the
// environment and the options, and starts the metrics endpoint. Call
// Shutdown before exit: it flushes spans still buffered.
func Setup(ctx context.Context, service string, opts ...Option) (*Telemetry, error) {
	o := options{metricsAddr: os.Getenv(MetricsAddrEnv), logger: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	o.metricsAddr = o.listenAddr()
	res, err := newResource(ctx, service)
	if err != nil {
		return nil, err
	}
	t := &Telemetry{}
	tp, stopTraces, err := newTracerProvider(ctx, &o, res, os.Getenv)
	if err != nil {
		return nil, err
	}
	t.TracerProvider = tp
	t.shutdown = append(t.shutdown, stopTraces)

	mp, handler, stopMetrics, err := newMeterProvider(res, sdkDisabled(os.Getenv))
	if err != nil {
		return nil, errors.Join(err, t.Shutdown(ctx))
	}
	t.MeterProvider, t.handler = mp, handler
	t.shutdown = append(t.shutdown, stopMetrics)
	if t.Metrics, err = NewMetrics(mp); err != nil {
		return nil, errors.Join(err, t.Shutdown(ctx))
	}
	if handler != nil && !strings.EqualFold(o.metricsAddr, "off") {
		if t.server, err = serveMetrics(o.metricsAddr, handler, o.logger); err != nil {
			return nil, errors.Join(err, t.Shutdown(ctx))
		}
	}
	return t, nil
}

// MetricsAddr is the address /metrics is served on (with the port chosen
// when ":0" was asked for), or "" when the endpoint is off.
func (t *Telemetry) MetricsAddr() string {
	if t.server == nil {
		return ""
	}
	return t.server.addr
}

// Handler serves the metrics in the Prometheus text format, for a service
// that would rather mount it on its own HTTP server (with the endpoint set
// "off"). It is nil when OTEL_SDK_DISABLED is true.
func (t *Telemetry) Handler() http.Handler { return t.handler }

// Shutdown stops the metrics endpoint and flushes and stops the providers.
// It reports every failure.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	var errs []error
	if t.server != nil {
		errs = append(errs, t.server.shutdown(ctx))
		t.server = nil
	}
	for i := len(t.shutdown) - 1; i >= 0; i-- {
		errs = append(errs, t.shutdown[i](ctx))
	}
	t.shutdown = nil
	return errors.Join(errs...)
}
