package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/follow"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/messages"
)

func (a *app) backupCmd() *cobra.Command {
	var o follow.Options
	tenant := command("tenant ID|all", cobra.ExactArgs(1), "Back up one tenant, or every tenant the tenants query returns",
		func(ctx context.Context, args []string) error {
			return a.print(follow.RunTenants(ctx, a.cfg, args[0], a.following(o)))
		})
	tenant.ValidArgsFunction = a.completeTenantOrAll
	full := command("full", cobra.NoArgs, "Dump the whole database (pg_dump --format=custom)", func(ctx context.Context, _ []string) error {
		return a.print(follow.Run(ctx, a.cfg, messages.KindFull, []string{""}, a.following(o)))
	})
	for _, c := range []*cobra.Command{tenant, full} {
		c.Flags().BoolVar(&o.Wait, "wait", false, "wait until every backup is verified")
		c.Flags().DurationVar(&o.Timeout, "timeout", 30*time.Minute, "how long --wait waits")
	}
	return group("backup", "Start backups now", tenant, full, a.backupBaseCmd())
}

// following is o showing what happens as the CLI does: the progress line
// on stderr, each backup's line as it is queued and decided on stdout
// (nothing there with --json).
func (a *app) following(o follow.Options) follow.Options {
	o.Log, o.Line, o.Out = a.log, a.newProgress(), a.text()
	return o
}

func (a *app) backupBaseCmd() *cobra.Command {
	var o stack.BaseOptions
	cmd := command("base", cobra.NoArgs,
		"Take a physical base backup (pg_basebackup, streamed, sealed, uploaded) for point-in-time recovery",
		func(ctx context.Context, _ []string) error {
			return a.print(stack.TakeBase(ctx, a.cfg, o, Version))
		})
	cmd.Flags().StringVar(&o.Conn, "pg-conn", "", "replication connection (default: the source URL)")
	cmd.Flags().StringVar(&o.PGBaseBackup, "pg-basebackup", "", "pg_basebackup binary (default: from pg_bin_dir or PATH)")
	cmd.Flags().StringVar(&o.Label, "label", "arca", "backup label")
	cmd.Flags().BoolVar(&o.FastCheckpoint, "fast-checkpoint", false, "ask for an immediate checkpoint")
	cmd.Flags().StringVar(&o.StorageClass, "storage-class", "", "storage class of the data object")
	return cmd
}
