package cli

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/follow"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/messages"
)

func (a *app) backupCmd() *cobra.Command {
	var wait bool
	var timeout time.Duration
	tenant := command("tenant ID|all", cobra.ExactArgs(1), "Back up one tenant, or every tenant the tenants query returns",
		func(ctx context.Context, args []string) error {
			tenants, err := stack.Tenants(ctx, a.cfg, args[0])
			if err != nil {
				return err
			}
			return a.startBackups(ctx, messages.KindTenant, tenants, wait, timeout)
		})
	tenant.ValidArgsFunction = a.completeTenantOrAll
	full := command("full", cobra.NoArgs, "Dump the whole database (pg_dump --format=custom)", func(ctx context.Context, _ []string) error {
		return a.startBackups(ctx, messages.KindFull, []string{""}, wait, timeout)
	})
	for _, c := range []*cobra.Command{tenant, full} {
		c.Flags().BoolVar(&wait, "wait", false, "wait until every backup is verified")
		c.Flags().DurationVar(&timeout, "timeout", 30*time.Minute, "how long --wait waits")
	}
	return group("backup", "Start backups now", tenant, full, a.backupBaseCmd())
}

// startBackups starts the backups and, with wait, follows them
// (follow.Run), printing each as it is queued and decided.
func (a *app) startBackups(ctx context.Context, kind messages.Kind, tenants []string, wait bool, timeout time.Duration) error {
	set, err := follow.Run(ctx, a.cfg, kind, tenants,
		follow.Options{Wait: wait, Timeout: timeout, Log: a.log, Line: a.newProgress(), Out: a.text()})
	if err != nil {
		return err
	}
	if !wait {
		a.emit(set.Order, func(io.Writer) {})
		return nil
	}
	a.emit(set.Order, set.WriteText)
	return set.Err()
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
