package stack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	alerter "github.com/arcabackup/arca/services/alerter/service"
)

// Set is what one process runs: stages by name, and the coordinator and
// the alerter when asked (arca dev runs them all).
type Set struct {
	Stages               []string
	Coordinator, Alerter bool
	// CreateKeys creates a missing keyring (arca dev).
	CreateKeys bool
}

// Names are the set's services, stages first.
func (s Set) Names() []string {
	names := append([]string(nil), s.Stages...)
	if s.Coordinator {
		names = append(names, "coordinator")
	}
	if s.Alerter {
		names = append(names, "alerter")
	}
	return names
}

// ConfigError is a configuration a service refused at build time (the
// command line's usage error).
type ConfigError struct{ Err error }

func (e ConfigError) Error() string { return e.Err.Error() }
func (e ConfigError) Unwrap() error { return e.Err }

// Run builds every service of the set from cfg, then runs them under one
// errgroup (Supervise) until ctx ends or one fails: the first failure, a
// failed start included, stops the others and is the error. tool is the
// binary's version, recorded in what it writes.
func Run(ctx context.Context, cfg config.Config, set Set, log *slog.Logger, tool string) error {
	names := set.Names()
	obs, err := Observe(ctx, names, log)
	if err != nil {
		return err
	}
	defer func() { _ = obs.Shutdown(context.WithoutCancel(ctx)) }() // exporting on the way out: nothing left to tell
	if addr := obs.MetricsAddr(); addr != "" {
		log.Info("metrics", "addr", addr)
	}
	conn, err := Connect(ctx, cfg, names[0])
	if err != nil {
		return err
	}
	defer conn.Close()
	var all []Named
	if len(set.Stages) > 0 {
		stages, stop, err := set.stages(ctx, cfg, conn, obs, log, tool)
		if err != nil {
			return err
		}
		defer stop()
		all = append(all, stages...)
	}
	if set.Coordinator {
		obs.SetGlobalFor("coordinator")
		if err := obs.WatchEvents(ctx, conn.JS); err != nil {
			if len(set.Stages) == 0 {
				return err
			}
			log.Warn("event metrics off", "err", err)
		}
		c, closeCatalog, err := CoordinatorService(ctx, cfg, conn, log, tool)
		if err != nil {
			return err
		}
		defer closeCatalog()
		all = append(all, Named{Name: "coordinator", Service: c})
	}
	if set.Alerter {
		al, err := alerter.New(alerter.Deps{JS: conn.JS}, AlerterConfig(cfg, log))
		if err != nil {
			return err
		}
		all = append(all, Named{Name: "alerter", Service: al})
	}
	if err := Supervise(ctx, all...); err != nil {
		return fmt.Errorf("services stopped: %w", err)
	}
	return nil
}

// stages builds the set's stages over one bucket and, for those holding
// keys, the live keyring (stop releases it).
func (s Set) stages(ctx context.Context, cfg config.Config, conn *Conn, obs *Observability, log *slog.Logger, tool string) ([]Named, func(), error) {
	stop := func() {}
	store, err := ObservedStore(ctx, cfg, obs.Metrics.S3())
	if err != nil {
		return nil, stop, err
	}
	d := Deps{Cfg: cfg, Conn: conn, Store: store, Logger: log, Tool: tool, Obs: obs}
	if holders := keyHolders(s.Stages); len(holders) > 0 {
		if s.CreateKeys { // a missing keyring is created (arca dev)
			if _, err := Keyring(ctx, cfg, true); err != nil {
				return nil, stop, err
			}
		}
		// The stages use the live keyring: it follows the keyring epoch
		// (rotation, erasure) while they run; see docs/keys.md. It is the
		// one unlock of a stage's start (scrypt: ~0.25 s of CPU), and it
		// fails the start as Keyring would when the keyring does not open.
		src, err := KeyringSource(ctx, cfg)
		if err != nil {
			return nil, stop, err
		}
		if d.Live, stop, err = LiveKeyring(ctx, src.Store, conn.JS, cfg.NATS.Replicas, holders, log, src.Opts...); err != nil {
			return nil, func() {}, err
		}
	}
	out, err := d.Named(s.Stages...)
	if err != nil {
		stop()
		return nil, func() {}, err
	}
	return out, stop, nil
}

// keyHolders are the named stages that hold keys.
func keyHolders(names []string) []string {
	var out []string
	for _, n := range names {
		if n == "encryptor" || n == "uploader" || n == "verifier" {
			out = append(out, n)
		}
	}
	return out
}

// AlerterConfig is the alerter as the configuration's alerting: says.
func AlerterConfig(cfg config.Config, log *slog.Logger) alerter.Config {
	al := cfg.Alerting
	o := alerter.Config{
		Endpoint: al.PagerDuty.Endpoint, RoutingKeyEnv: al.PagerDuty.RoutingKeyEnv,
		RoutingKeyEnvBySeverity: al.PagerDuty.RoutingKeyEnvBySeverity, RunbookBaseURL: al.RunbookBaseURL,
		DrillOverdueAfter: time.Duration(al.DrillOverdueAfter), StormThreshold: al.StormThreshold,
		MaxBackupBytes: int64(al.MaxBackupBytes), Replicas: cfg.NATS.Replicas, Logger: log,
	}
	if len(al.StaleAfter) > 0 {
		o.StaleAfter = map[string]time.Duration{}
		for k, d := range al.StaleAfter {
			o.StaleAfter[k] = time.Duration(d)
		}
	}
	return o
}

// AlerterDryRun replays EVENTS and DLQ as an alerter starting with an
// empty outbox would and returns each event it would send, sending
// nothing.
func AlerterDryRun(ctx context.Context, cfg config.Config, log *slog.Logger) (DryRunEvents, error) {
	conn, err := Connect(ctx, cfg, "alerter")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	al, err := alerter.New(alerter.Deps{JS: conn.JS}, AlerterConfig(cfg, log))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := al.DryRun(ctx, &buf); err != nil {
		return nil, err
	}
	events := DryRunEvents{} // none: JSON [], not null
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		if len(line) > 0 {
			events = append(events, json.RawMessage(line))
		}
	}
	return events, nil
}

// DryRunEvents are the Events API v2 events an alerter would send, one
// JSON object each.
type DryRunEvents []json.RawMessage

// WriteText is one event a line.
func (e DryRunEvents) WriteText(w io.Writer) {
	for _, ev := range e {
		fmt.Fprintf(w, "%s\n", ev)
	}
}
