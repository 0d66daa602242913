package telemetry

import (
	"log/slog"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// MetricsAddrEnv names the variable holding the address of the metrics
// endpoint, e.g. "127.0.0.1:0", or ":9464" for every interface (what a
// Prometheus in another container needs). "off" disables the endpoint.
const MetricsAddrEnv = "ARCA_METRICS_ADDR"

// DefaultMetricsAddr is where /metrics is served when nothing says otherwise
// (the port OpenTelemetry's Prometheus exporters conventionally use): on
// loopback only, so that a service never exposes its metrics to the network
// unless it is configured to.
const DefaultMetricsAddr = "127.0.0.1:9464"

// listenAddr is the metrics address Setup serves on: the configured one,
// else DefaultMetricsAddr.
func (o options) listenAddr() string {
	if o.metricsAddr == "" {
		return DefaultMetricsAddr
	}
	return o.metricsAddr
}

// Option changes what Setup builds.
type Option func(*options)

type options struct {
	metricsAddr  string
	spanExporter sdktrace.SpanExporter
	logger       *slog.Logger
}

// WithMetricsAddr serves /metrics on addr instead of ARCA_METRICS_ADDR
// (":0" picks a free port; "off" serves nothing).
func WithMetricsAddr(addr string) Option { return func(o *options) { o.metricsAddr = addr } }

// WithSpanExporter turns tracing on with exp, whatever the environment
// says, and exports each span synchronously as it ends. It is meant for
// tests (an in-memory exporter) and tools.
func WithSpanExporter(exp sdktrace.SpanExporter) Option {
	return func(o *options) { o.spanExporter = exp }
}

// WithLogger logs metrics-endpoint errors to l (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }
