package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	alerter "github.com/arcabackup/arca/services/alerter/service"
)

// serviceCmds are `arca exporter`, `arca encryptor`, `arca uploader`,
// `arca verifier`: one stage each, as deployed.
func (a *app) serviceCmds() []*cobra.Command {
	var cmds []*cobra.Command
	for _, name := range stack.StageServices {
		cmds = append(cmds, &cobra.Command{
			Use:   name,
			Short: "Run the " + name + " service",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return a.runServices(cmd.Context(), serviceSet{stages: []string{name}})
			},
		})
	}
	var dryRun bool
	alerterCmd := &cobra.Command{
		Use:   "alerter",
		Short: "Run the alerter: page PagerDuty on failures, dead letters, stale tenants, overdue drills",
		Long: `Runs the alerter. With --dry-run it replays the EVENTS and DLQ streams as an alerter starting with an
empty outbox would, applies the checks (staleness and drills at this moment) and storm aggregation of
alerting: in the configuration, prints every PagerDuty Events API v2 event it would send (one JSON object a
line; the routing key shown as the $VARIABLE that holds it) and exits, sending and changing nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dryRun {
				return a.alerterDryRun(cmd.Context())
			}
			return a.runServices(cmd.Context(), serviceSet{alerter: true})
		},
	}
	alerterCmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the Events API v2 events it would send now, send nothing")
	cmds = append(cmds, alerterCmd)
	cmds = append(cmds, a.restorerCmd())
	return cmds
}

func (a *app) alerterConfig() alerter.Config {
	al := a.cfg.Alerting
	o := alerter.Config{
		Endpoint: al.PagerDuty.Endpoint, RoutingKeyEnv: al.PagerDuty.RoutingKeyEnv,
		RoutingKeyEnvBySeverity: al.PagerDuty.RoutingKeyEnvBySeverity, RunbookBaseURL: al.RunbookBaseURL,
		DrillOverdueAfter: time.Duration(al.DrillOverdueAfter), StormThreshold: al.StormThreshold,
		MaxBackupBytes: int64(al.MaxBackupBytes), Replicas: a.cfg.NATS.Replicas, Logger: a.log,
	}
	if len(al.StaleAfter) > 0 {
		o.StaleAfter = map[string]time.Duration{}
		for k, d := range al.StaleAfter {
			o.StaleAfter[k] = time.Duration(d)
		}
	}
	return o
}

func (a *app) alerterDryRun(ctx context.Context) error {
	conn, err := stack.Connect(ctx, a.cfg, "alerter")
	if err != nil {
		return err
	}
	defer conn.Close()
	al, err := alerter.New(alerter.Deps{JS: conn.JS}, a.alerterConfig())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	n, err := al.DryRun(ctx, &buf)
	if err != nil {
		return err
	}
	if a.json {
		events := []json.RawMessage{}
		for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
			if len(line) > 0 {
				events = append(events, json.RawMessage(line))
			}
		}
		a.emit(events, nil)
		return nil
	}
	_, _ = a.out.Write(buf.Bytes())
	fmt.Fprintf(a.errOut, "arca alerter --dry-run: %d event(s) would be sent; nothing was sent\n", n)
	return nil
}

// serviceSet is what one process runs: stages by name, and the coordinator
// and the alerter when asked (arca dev runs them all).
type serviceSet struct {
	stages               []string
	coordinator, alerter bool
	// createKeys creates a missing keyring (arca dev).
	createKeys bool
}

func (s serviceSet) names() []string {
	names := append([]string(nil), s.stages...)
	if s.coordinator {
		names = append(names, "coordinator")
	}
	if s.alerter {
		names = append(names, "alerter")
	}
	return names
}

// runServices builds every service of the set, then runs them under one
// errgroup (stack.Supervise) until ctx ends or one fails: the first
// failure, a failed start included, stops the others and is the command's
// error.
func (a *app) runServices(ctx context.Context, set serviceSet) error {
	names := set.names()
	obs, err := stack.Observe(ctx, names, a.log)
	if err != nil {
		return err
	}
	defer obs.Shutdown(context.WithoutCancel(ctx))
	if addr := obs.MetricsAddr(); addr != "" {
		a.log.Info("metrics", "addr", addr)
	}
	conn, err := stack.Connect(ctx, a.cfg, names[0])
	if err != nil {
		return err
	}
	defer conn.Close()
	var all []stack.Named
	if len(set.stages) > 0 {
		stages, stop, err := a.stages(ctx, conn, obs, set)
		if err != nil {
			return err
		}
		defer stop()
		all = append(all, stages...)
	}
	if set.coordinator {
		obs.SetGlobalFor("coordinator")
		if err := obs.WatchEvents(ctx, conn.JS); err != nil {
			if len(set.stages) == 0 {
				return err
			}
			a.log.Warn("event metrics off", "err", err)
		}
		c, closeCatalog, err := a.coordinatorService(ctx, conn)
		if err != nil {
			return err
		}
		defer closeCatalog()
		all = append(all, stack.Named{Name: "coordinator", Service: c})
	}
	if set.alerter {
		al, err := alerter.New(alerter.Deps{JS: conn.JS}, a.alerterConfig())
		if err != nil {
			return err
		}
		all = append(all, stack.Named{Name: "alerter", Service: al})
	}
	if err := stack.Supervise(ctx, all...); err != nil {
		return fmt.Errorf("services stopped: %w", err)
	}
	return nil
}

// stages builds the set's stages over one bucket and, for those holding
// keys, the live keyring (stop releases it).
func (a *app) stages(ctx context.Context, conn *stack.Conn, obs *stack.Observability, set serviceSet) ([]stack.Named, func(), error) {
	stop := func() {}
	store, err := stack.ObservedStore(ctx, a.cfg, obs.Metrics.S3())
	if err != nil {
		return nil, stop, err
	}
	d := stack.Deps{Cfg: a.cfg, Conn: conn, Store: store, Logger: a.log, Tool: Version, Obs: obs}
	if holders := keyHolders(set.stages); len(holders) > 0 {
		if d.Keys, err = stack.Keyring(ctx, a.cfg, set.createKeys); err != nil {
			return nil, stop, err
		}
		// The stages use the live keyring: it follows the keyring epoch
		// (rotation, erasure) while they run; see docs/keys.md.
		src, err := stack.KeyringSource(ctx, a.cfg)
		if err != nil {
			return nil, stop, err
		}
		if d.Live, stop, err = stack.LiveKeyring(ctx, src.Store, conn.JS, a.cfg.NATS.Replicas, holders, a.log, src.Opts...); err != nil {
			return nil, func() {}, err
		}
	}
	var out []stack.Named
	for _, n := range set.stages {
		s, err := d.Service(n)
		if err != nil {
			stop()
			return nil, func() {}, err
		}
		out = append(out, stack.Named{Name: n, Service: s})
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
