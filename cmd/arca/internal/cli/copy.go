package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/texttable"
)

// copyCmd completes a backup's copy in one destination by hand: what the
// uploader's copy job does, for a copy it gave up on (docs/runbooks/copy-missing.md).
func (a *app) copyCmd() *cobra.Command {
	var to, tenant string
	var archive bool
	cmd := command("copy {BACKUP-ID | --archive} --to DESTINATION", cobra.MaximumNArgs(1),
		"Copy a backup (or the WAL archive) into one destination from the other ones, then verify it there",
		func(ctx context.Context, args []string) error {
			if archive != (len(args) == 0) {
				return usageError{errors.New("name a backup id, or --archive")}
			}
			if archive {
				rep, err := stack.CopyArchive(ctx, a.cfg, to, a.errOut)
				if err != nil {
					return usage(err)
				}
				fmt.Fprintf(a.out, "copied %d objects (%s) of the base backups and WAL archive to destination %s; it held %d already\n",
					rep.Copied, texttable.Bytes(rep.Bytes), to, rep.Had)
				return nil
			}
			res, err := stack.CopyBackup(ctx, a.cfg, args[0], tenant, to, a.errOut)
			if err != nil {
				return usage(err)
			}
			fmt.Fprintf(a.out, "copied backup %s from destination %s to %s and verified it there (%s)\n",
				res.Manifest.BackupID, res.From, to, texttable.Bytes(res.Verified.ObjectBytes))
			return nil
		})
	cmd.Flags().StringVar(&to, "to", "", "the destination to complete (store.destinations)")
	cmd.Flags().StringVar(&tenant, "tenant", "", "the backup's tenant (searches only its folder)")
	cmd.Flags().BoolVar(&archive, "archive", false, "copy the base backups and WAL the destination lacks")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}
