package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/health"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
)

// serviceCmds are `arca exporter`, `arca encryptor`, `arca uploader`,
// `arca verifier`: one stage each, as deployed.
func (a *app) serviceCmds() []*cobra.Command {
	var cmds []*cobra.Command
	for _, name := range stack.StageServices {
		cmds = append(cmds, command(name, cobra.NoArgs, "Run the "+name+" service", func(ctx context.Context, _ []string) error {
			return a.runServices(ctx, stack.Set{Stages: []string{name}})
		}))
	}
	var dryRun bool
	alerterCmd := command("alerter", cobra.NoArgs,
		"Run the alerter: page PagerDuty on failures, dead letters, stale tenants, overdue drills",
		func(ctx context.Context, _ []string) error {
			if !dryRun {
				return a.runServices(ctx, stack.Set{Alerter: true})
			}
			events, err := stack.AlerterDryRun(ctx, a.cfg, a.log)
			if err != nil {
				return err
			}
			a.show(events)
			if !a.json {
				fmt.Fprintf(a.errOut, "arca alerter --dry-run: %d event(s) would be sent; nothing was sent\n", len(events))
			}
			return nil
		})
	alerterCmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the Events API v2 events it would send now, send nothing")
	return append(cmds, alerterCmd, a.restorerCmd())
}

// runServices runs the set (stack.Run); a configuration a service refuses
// is a usage error.
func (a *app) runServices(ctx context.Context, set stack.Set) error {
	return usage(stack.Run(ctx, a.cfg, set, a.log, Version))
}

// restorerCmd runs the restorer: tenant point-in-time restores published
// as TenantRestoreRequested on jobs.restore, one at a time.
func (a *app) restorerCmd() *cobra.Command {
	var scratchDir string
	cmd := command("restorer", cobra.NoArgs, "Run the restorer: tenant point-in-time restores scheduled on jobs.restore",
		func(ctx context.Context, _ []string) error {
			return stack.RunRestorer(ctx, a.cfg, a.log, Version, stack.WALFetchCommand(a.configPath), scratchDir, destinations.TellServed(a.errOut))
		})
	cmd.Flags().StringVar(&scratchDir, "scratch-dir", "", "where the scratch clusters live (default: the system temporary directory)")
	return cmd
}

func (a *app) devCmd() *cobra.Command {
	return command("dev", cobra.NoArgs, "Run the whole system in one process: embedded NATS JetStream and every stage",
		func(ctx context.Context, _ []string) error {
			return usage(stack.Dev(ctx, a.cfg, os.Getenv, a.out, a.log, Version))
		})
}

func (a *app) coordinatorCmds() []*cobra.Command {
	run := command("coordinator", cobra.NoArgs, "Run the coordinator: schedules, fan-out per tenant, the catalog, the HTTP API",
		func(ctx context.Context, _ []string) error { return a.runServices(ctx, stack.Set{Coordinator: true}) })
	var limit int
	status := command("status [RUN]", cobra.MaximumNArgs(1), "Recent runs from the catalog, or one run's jobs",
		func(ctx context.Context, args []string) error {
			run := ""
			if len(args) == 1 {
				run = args[0]
			}
			return a.print(stack.ReadStatus(ctx, a.cfg, run, limit))
		})
	status.Flags().IntVar(&limit, "limit", 20, "how many runs")
	var drop bool
	rebuild := command("rebuild", cobra.NoArgs, "Rebuild the catalog's backups from the manifests in the bucket",
		func(ctx context.Context, _ []string) error {
			got, err := stack.RebuildCatalogFromBucket(ctx, a.cfg, drop)
			if err != nil {
				return err
			}
			a.show(got)
			return a.refused(got.Refused)
		})
	rebuild.Flags().BoolVar(&drop, "drop", false, "drop the catalog first")
	return []*cobra.Command{run, status, group("catalog", "The catalog: a cache of the truth in the bucket", rebuild)}
}

// healthcheckCmd probes a service's HTTP endpoint (its /metrics, the API's
// /healthz): the container healthcheck of images without a shell or curl
// (deploy/compose, deploy/kubernetes exec probes).
func healthcheckCmd() *cobra.Command {
	timeout := 3 * time.Second
	cmd := unconfigured(command("healthcheck URL", cobra.ExactArgs(1), "Exit 0 if an HTTP GET of URL answers 2xx (container healthchecks)",
		func(ctx context.Context, args []string) error {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			return usage(health.Probe(ctx, args[0]), health.ErrBadURL)
		}))
	cmd.Flags().DurationVar(&timeout, "timeout", timeout, "give up after this long")
	return cmd
}
