package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

// completions give shell completion (arca completion bash|zsh|fish) of
// tenant ids and backup ids where commands take them.
func (a *app) completions(root *cobra.Command) {
	find := func(names ...string) *cobra.Command {
		c, _, err := root.Find(names)
		if err != nil || c == root {
			return nil
		}
		return c
	}
	flag := func(c *cobra.Command, name string, fn func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)) {
		if c != nil && c.Flags().Lookup(name) != nil {
			_ = c.RegisterFlagCompletionFunc(name, fn)
		}
	}
	if c := find("verify"); c != nil {
		c.ValidArgsFunction = a.completeBackups("")
	}
	if c := find("backup", "tenant"); c != nil {
		c.ValidArgsFunction = func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			ts, d := a.completeTenants(cmd, args, prefix)
			return append(ts, "all"), d
		}
	}
	flag(find("verify"), "tenant", a.completeTenants)
	flag(find("list"), "tenant", a.completeTenants)
	flag(find("info"), "tenant", a.completeTenants)
	flag(find("restore", "tenant"), "tenant", a.completeTenants)
	flag(find("restore", "tenant"), "backup", a.completeBackups("tenants"))
	flag(find("restore", "full"), "backup", a.completeBackups("full"))
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
