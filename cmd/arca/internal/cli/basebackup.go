package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

func (a *app) backupBaseCmd() *cobra.Command {
	var o stack.BaseOptions
	cmd := command("base", cobra.NoArgs,
		"Take a physical base backup (pg_basebackup, streamed, sealed, uploaded) for point-in-time recovery",
		func(ctx context.Context, _ []string) error {
			b, err := stack.TakeBase(ctx, a.cfg, o, Version)
			if err != nil {
				return err
			}
			a.show(b)
			return nil
		})
	cmd.Flags().StringVar(&o.Conn, "pg-conn", "", "replication connection (default: the source URL)")
	cmd.Flags().StringVar(&o.PGBaseBackup, "pg-basebackup", "", "pg_basebackup binary (default: from pg_bin_dir or PATH)")
	cmd.Flags().StringVar(&o.Label, "label", "arca", "backup label")
	cmd.Flags().BoolVar(&o.FastCheckpoint, "fast-checkpoint", false, "ask for an immediate checkpoint")
	cmd.Flags().StringVar(&o.StorageClass, "storage-class", "", "storage class of the data object")
	return cmd
}
