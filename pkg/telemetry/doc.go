// Package telemetry gives every Arca service its traces and metrics.
//
// Setup builds, for one service:
//
//   - a tracer provider that exports spans over OTLP, configured only by the
//     standard OTEL_* environment variables (OTEL_EXPORTER_OTLP_ENDPOINT,
//     OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_TRACES_SAMPLER,
//     OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_SDK_DISABLED). When
//     no exporter is configured the provider is a no-op: no span is
//     recorded and no goroutine runs. The job runtime (pkg/jobs) takes the
//     provider in jobs.Config.Tracer and carries the trace context across
//     NATS in message headers, so one trace follows a job through every
//     stage;
//   - a meter provider whose only reader is a Prometheus exporter, served
//     over HTTP at /metrics on ARCA_METRICS_ADDR (default 127.0.0.1:9464);
//   - Metrics, the instruments the runtime and the stages record into:
//     job durations and outcomes, bytes and parts per stage, failures,
//     retries, dead letters, queue depth, S3 retries and throttles, and the
//     timestamps the Prometheus alert rules watch (last successful backup
//     per tenant and kind, last restore drill).
//
// Nothing here is package-level state: a process may build several
// Telemetry values (tests do), and SetGlobal installs one as the
// OpenTelemetry globals when a service wants that.
package telemetry
