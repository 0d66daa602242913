package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
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
				return a.runServices(cmd.Context(), stack.Set{Stages: []string{name}})
			},
		})
	}
	var dryRun bool
	alerterCmd := &cobra.Command{
		Use:   "alerter",
		Short: "Run the alerter: page PagerDuty on failures, dead letters, stale tenants, overdue drills",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dryRun {
				return a.alerterDryRun(cmd.Context())
			}
			return a.runServices(cmd.Context(), stack.Set{Alerter: true})
		},
	}
	alerterCmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the Events API v2 events it would send now, send nothing")
	cmds = append(cmds, alerterCmd)
	cmds = append(cmds, a.restorerCmd())
	return cmds
}

func (a *app) alerterDryRun(ctx context.Context) error {
	var buf bytes.Buffer
	n, err := stack.AlerterDryRun(ctx, a.cfg, a.log, &buf)
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

// runServices runs the set (stack.Run); a configuration a service refuses
// is a usage error.
func (a *app) runServices(ctx context.Context, set stack.Set) error {
	return usage(stack.Run(ctx, a.cfg, set, a.log, Version))
}

// restorerCmd runs the restorer: tenant point-in-time restores published
// as TenantRestoreRequested on jobs.restore, one at a time.
func (a *app) restorerCmd() *cobra.Command {
	var scratchDir string
	cmd := &cobra.Command{
		Use:   "restorer",
		Short: "Run the restorer: tenant point-in-time restores scheduled on jobs.restore",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return stack.RunRestorer(cmd.Context(), a.cfg, a.log, Version, a.walFetchCommand(), scratchDir, a.served)
		},
	}
	cmd.Flags().StringVar(&scratchDir, "scratch-dir", "", "where the scratch clusters live (default: the system temporary directory)")
	return cmd
}
