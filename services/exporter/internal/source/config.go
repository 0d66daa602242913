package source

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
)

// Config is one source database.
type Config struct {
	// URL is the primary. ReplicaURL, when set, is read instead, so that
	// exports put no load on the primary.
	URL        string `yaml:"url"`
	ReplicaURL string `yaml:"replica_url"`
	// MaxConcurrentExports caps exports running against this source.
	MaxConcurrentExports int `yaml:"max_concurrent_exports"`
	// StatementTimeout bounds each statement, so it must exceed the
	// longest table's COPY; zero keeps the server's setting.
	StatementTimeout time.Duration `yaml:"statement_timeout"`
	// LockTimeout bounds waits for locks (pg_dump's AccessShare locks, a
	// catalog query behind a DDL); zero keeps the server's setting.
	LockTimeout time.Duration `yaml:"lock_timeout"`
	// Tracer, when set, gets a span per query and COPY on the session
	// (otelpgx), children of the caller's span; nil: the global provider.
	Tracer trace.TracerProvider `yaml:"-"`
}

// ReadURL is the URL exports read from: the replica if configured.
func (c Config) ReadURL() string {
	if c.ReplicaURL != "" {
		return c.ReplicaURL
	}
	return c.URL
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.URL == "" {
		errs = append(errs, errors.New("source: url is empty"))
	}
	for name, u := range map[string]string{"url": c.URL, "replica_url": c.ReplicaURL} {
		if u == "" {
			continue
		}
		if _, err := pgx.ParseConfig(u); err != nil {
			errs = append(errs, fmt.Errorf("source: %s: %w", name, err))
		}
	}
	if c.MaxConcurrentExports < 0 || c.StatementTimeout < 0 || c.LockTimeout < 0 {
		errs = append(errs, errors.New("source: limits and timeouts must not be negative"))
	}
	return errors.Join(errs...)
}

// Connect opens a session on ReadURL with the timeouts set and output
// settings fixed (UTC, ISO dates, hex bytea), so that CSV does not depend on
// the role's defaults. The session
// also disables idle_in_transaction_session_timeout: the coordinating
// transaction that holds the exported snapshot sits idle while other
// sessions COPY.
func Connect(ctx context.Context, c Config) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(c.ReadURL())
	if err != nil {
		return nil, fmt.Errorf("connect source: %w", err)
	}
	cfg.RuntimeParams["application_name"] = "arca-exporter"
	cfg.RuntimeParams["idle_in_transaction_session_timeout"] = "0"
	// Output that does not depend on the server's or role's defaults.
	cfg.RuntimeParams["TimeZone"] = "UTC"
	cfg.RuntimeParams["DateStyle"] = "ISO, YMD"
	cfg.RuntimeParams["IntervalStyle"] = "postgres"
	cfg.RuntimeParams["bytea_output"] = "hex"
	// The plan's selections are deep chains of semi-joins: JIT compiling
	// them costs seconds and saves nothing on the small row counts they
	// return (issue 12: 6-7 s with JIT, 35 ms without).
	cfg.RuntimeParams["jit"] = "off"
	if c.StatementTimeout > 0 {
		cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(c.StatementTimeout.Milliseconds(), 10)
	}
	if c.LockTimeout > 0 {
		cfg.RuntimeParams["lock_timeout"] = strconv.FormatInt(c.LockTimeout.Milliseconds(), 10)
	}
	// A session lives for one export and runs each statement about once:
	// preparing it first (pgx's default, cached per connection) costs a
	// round trip that no later execution pays back. Exec mode sends the
	// statement with its parameters in one round trip, still as bind
	// parameters (the tenant id never enters SQL text).
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	tp := c.Tracer
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	// Statements, not their parameters (tenant ids), go into the spans;
	// the driver's own metrics are not exported.
	cfg.Tracer = otelpgx.NewTracer(otelpgx.WithTracerProvider(tp), otelpgx.WithMeterProvider(metricnoop.NewMeterProvider()),
		otelpgx.WithDisableConnectionDetailsInAttributes())
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect source %s/%s: %w", cfg.Host, cfg.Database, err)
	}
	return conn, nil
}
