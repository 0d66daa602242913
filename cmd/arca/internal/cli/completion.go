package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

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
		if (cmd.ValidArgsFunction != nil && len(args) > 0) || a.load() != nil { // load again: completion parses --config after the pre-run
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Second)
		defer cancel()
		var folders []string
		if folder != "" {
			folders = []string{folder}
		}
		return stack.BackupIDs(ctx, a.cfg, prefix, folders...), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeTenants completes tenant ids (stack.TenantIDs).
func (a *app) completeTenants(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
	if a.load() != nil { // again: completion parses --config after the pre-run
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Second)
	defer cancel()
	return stack.TenantIDs(ctx, a.cfg, prefix), cobra.ShellCompDirectiveNoFileComp
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
