package cli

import (
	"context"

	"github.com/spf13/cobra"
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
