package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	alerter "github.com/arcabackup/arca/services/alerter/service"
)

// serviceCmds are `arca exporter`, `arca encryptor`, `arca uploader`,
// `arca verifier`: one stage each, as deployed.
func (a *app) serviceCmds() []*cobra.Command {
	var cmds []*cobra.Command
	for _, name := range stack.Stages {
		cmds = append(cmds, &cobra.Command{
			Use:   name,
			Short: "Run the " + name + " service",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return a.runServices(cmd.Context(), false, name)
			},
		})
	}
	cmds = append(cmds, &cobra.Command{
		Use:   "alerter",
		Short: "Run the alerter: page PagerDuty on failures, dead letters, stale tenants, overdue drills",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// its /metrics too: the container healthchecks and Prometheus read it
			obs, err := stack.Observe(cmd.Context(), []string{"alerter"}, a.log)
			if err != nil {
				return err
			}
			defer obs.Shutdown(context.WithoutCancel(cmd.Context()))
			conn, err := stack.Connect(cmd.Context(), a.cfg, "alerter")
			if err != nil {
				return err
			}
			defer conn.Close()
			return a.runAlerter(cmd.Context(), conn)
		},
	})
	return cmds
}

func (a *app) runAlerter(ctx context.Context, conn *stack.Conn) error {
	err := alerter.Run(ctx, conn.JS, alerter.Options{
		Endpoint: a.cfg.Alerting.PagerDuty.Endpoint, RoutingKeyEnv: a.cfg.Alerting.PagerDuty.RoutingKeyEnv,
		MaxBackupBytes: int64(a.cfg.Alerting.MaxBackupBytes), Replicas: a.cfg.NATS.Replicas, Logger: a.log,
	})
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// runServices connects to JetStream and runs the named stages until the
// context ends.
func (a *app) runServices(ctx context.Context, createKeys bool, names ...string) error {
	return a.runServicesWith(ctx, createKeys, false, false, names...)
}

// runServicesWith also runs the alerter in the same process (arca dev).
func (a *app) runServicesWith(ctx context.Context, createKeys, withAlerter, withCoordinator bool, names ...string) error {
	services := append([]string(nil), names...)
	if withCoordinator {
		services = append(services, "coordinator")
	}
	obs, err := stack.Observe(ctx, services, a.log)
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
	store, err := stack.ObservedStore(ctx, a.cfg, obs.Metrics.S3())
	if err != nil {
		return err
	}
	d := stack.Deps{Cfg: a.cfg, Conn: conn, Store: store, Logger: a.log, Tool: Version, Obs: obs}
	if needsKeys(names) {
		if d.Keys, err = stack.Keyring(ctx, a.cfg, createKeys); err != nil {
			return err
		}
		// The stages use the live keyring: it follows the keyring epoch
		// (rotation, erasure) while they run; see docs/keys.md.
		st, err := stack.KeyringStore(a.cfg)
		if err != nil {
			return err
		}
		live, stop, err := stack.LiveKeyring(ctx, st, conn.JS, a.cfg.NATS.Replicas, keyHolders(names), a.log)
		if err != nil {
			return err
		}
		defer stop()
		d.Live = live
	}
	if withCoordinator {
		obs.SetGlobalFor("coordinator")
		if err := obs.WatchEvents(ctx, conn.JS); err != nil {
			a.log.Warn("event metrics off", "err", err)
		}
		go func() {
			if err := a.runCoordinator(ctx, conn); err != nil {
				a.log.Error("coordinator stopped", "err", err)
				fmt.Fprintln(a.errOut, "arca: coordinator stopped:", OneLine(err))
			}
		}()
	}
	if withAlerter {
		go func() {
			if err := a.runAlerter(ctx, conn); err != nil {
				a.log.Error("alerter stopped", "err", err)
			}
		}()
	}
	if err := d.Run(ctx, names...); err != nil && ctx.Err() == nil {
		return fmt.Errorf("services stopped: %w", err)
	}
	return nil
}

func needsKeys(names []string) bool { return len(keyHolders(names)) > 0 }

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
