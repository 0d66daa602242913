package cli

import (
	"context"
	"embed"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/telemetry"
)

// command is a command that runs: run gets the command's context (a trace
// of its own when the tree is traced) and its arguments. The caller
// declares its flags on the command returned.
func command(use string, args cobra.PositionalArgs, short string, run func(ctx context.Context, args []string) error) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: args, RunE: func(c *cobra.Command, args []string) error {
		return run(c.Context(), args)
	}}
}

// group is a command that holds others and runs none itself.
func group(use, short string, cmds ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short}
	c.AddCommand(cmds...)
	return c
}

// unconfigured makes cmd run without the configuration file: it needs no
// configuration, keyring or service.
func unconfigured(cmd *cobra.Command) *cobra.Command {
	cmd.PersistentPreRunE = func(*cobra.Command, []string) error { return nil }
	return cmd
}

// help holds the long help of the commands that need more than a line,
// help/<command path, "_" for " ">.txt (help/restore_tenant.txt), so that
// it reads and diffs as text; docs/cli.md is generated from the tree
// (TestCLIReferenceIsUpToDate).
//
//go:embed help/*.txt
var help embed.FS

// helpName is the name of cmd's help file.
func helpName(cmd *cobra.Command) string {
	return "help/" + strings.ReplaceAll(strings.TrimPrefix(cmd.CommandPath(), "arca "), " ", "_") + ".txt"
}

// withHelp gives a command its long help as it is shown (arca help X,
// X --help): walking the tree now would sort its commands, and cobra's
// suggestions for a mistyped command follow their order.
func withHelp(root *cobra.Command) {
	show := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		setLong(c)
		show(c, args)
	})
}

// setLong reads cmd's long help, when it has one.
func setLong(cmd *cobra.Command) {
	if b, err := help.ReadFile(helpName(cmd)); err == nil {
		cmd.Long = strings.TrimSpace(string(b))
	}
}

// traceOptions are added to the CLI's telemetry set-up (tests give an
// in-memory span exporter).
var traceOptions []telemetry.Option

// traced makes each command of cmd's tree that runs something the root of
// a trace (telemetry.Root): "arca backup tenant" is a span of service
// arca-cli, and the jobs it publishes carry its context, so the stages'
// spans are its descendants, as they are of the coordinator's for
// scheduled and API runs. Spans are exported where the OTEL_* environment
// asks for them (OTEL_EXPORTER_OTLP_ENDPOINT); otherwise nothing is
// recorded.
func (a *app) traced(cmd *cobra.Command) *cobra.Command {
	for _, c := range cmd.Commands() {
		a.traced(c)
	}
	run := cmd.RunE
	if run == nil {
		return cmd
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		opts := append([]telemetry.Option{telemetry.WithLogger(a.log)}, traceOptions...)
		return telemetry.Root(c.Context(), "arca-cli", c.CommandPath(), args, func(ctx context.Context) error {
			c.SetContext(ctx)
			return run(c, args)
		}, opts...)
	}
	return cmd
}

// Shell completion (arca completion bash|zsh|fish) of tenant ids and
// backup ids is declared with the flag or argument it completes.

// tenantFlag declares --tenant on cmd, completed with the tenant ids.
func (a *app) tenantFlag(cmd *cobra.Command, p *string, usage string) {
	cmd.Flags().StringVar(p, "tenant", "", usage)
	_ = cmd.RegisterFlagCompletionFunc("tenant", a.completeTenants)
}

// backupFlag declares --backup on cmd, completed with the ids of the
// backups in folder.
func (a *app) backupFlag(cmd *cobra.Command, p *string, usage, folder string) {
	cmd.Flags().StringVar(p, "backup", "", usage)
	_ = cmd.RegisterFlagCompletionFunc("backup", a.completeBackups(folder))
}

// completeBackups completes backup ids of one folder ("" for every kind),
// newest first.
func (a *app) completeBackups(folder string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if cmd.ValidArgsFunction != nil && len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return a.complete(cmd, func(ctx context.Context) []string { return stack.BackupIDs(ctx, a.cfg, prefix, folder) })
	}
}

// completeTenants completes tenant ids (stack.TenantIDs).
func (a *app) completeTenants(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
	return a.complete(cmd, func(ctx context.Context) []string { return stack.TenantIDs(ctx, a.cfg, prefix) })
}

// complete is the names a completion finds, given 5 seconds, with the
// configuration loaded again: completion parses --config after the
// pre-run.
func (a *app) complete(cmd *cobra.Command, names func(context.Context) []string) ([]string, cobra.ShellCompDirective) {
	if a.load() != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Second)
	defer cancel()
	return names(ctx), cobra.ShellCompDirectiveNoFileComp
}

// completeTenantOrAll completes backup tenant's argument: a tenant id, or
// all.
func (a *app) completeTenantOrAll(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	ts, d := a.completeTenants(cmd, args, prefix)
	return append(ts, "all"), d
}
