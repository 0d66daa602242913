package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup/replicate"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
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
			set, keys, err := stack.OpenDestinations(ctx, a.cfg)
			if err != nil {
				return err
			}
			dst, err := pick(set, "--to", to)
			if err != nil {
				return err
			}
			others := set.Without(to)
			if archive {
				rep, err := replicate.Archive(ctx, destinations.NewReader(others, a.served()), stack.RetainedIn(a.cfg, dst), stack.Layout(a.cfg))
				if err != nil {
					return fmt.Errorf("copy the archive to %s (%d objects copied): %w", dst.Name, rep.Copied, err)
				}
				fmt.Fprintf(a.out, "copied %d objects (%s) of the base backups and WAL archive to destination %s; it held %d already\n",
					rep.Copied, texttable.Bytes(rep.Bytes), dst.Name, rep.Had)
				return nil
			}
			res, err := replicate.Backup(ctx, replicate.Options{BackupID: args[0], Tenant: tenant, From: others, To: dst,
				Primary: dst.Name == set.Primary().Name, Layout: stack.Layout(a.cfg), Keys: keys, By: "arca copy",
				Try: func(ctx context.Context, set destinations.Set, fn func(context.Context, destinations.Destination) error) (string, error) {
					return set.TryTelling(ctx, a.errOut, "copy "+args[0], fn)
				}})
			a.record(ctx, res.Events...)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "copied backup %s from destination %s to %s and verified it there (%s)\n",
				res.Manifest.BackupID, res.From, dst.Name, texttable.Bytes(res.Verified.ObjectBytes))
			return nil
		})
	cmd.Flags().StringVar(&to, "to", "", "the destination to complete (store.destinations)")
	cmd.Flags().StringVar(&tenant, "tenant", "", "the backup's tenant (searches only its folder)")
	cmd.Flags().BoolVar(&archive, "archive", false, "copy the base backups and WAL the destination lacks")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

// record publishes what the command did where the catalog and the alerter
// hear of it (stack.Publish), and says on stderr when it could not.
func (a *app) record(ctx context.Context, events ...messages.Event) {
	if len(events) == 0 {
		return
	}
	if err := stack.Publish(ctx, a.cfg, "copy", events...); err != nil {
		fmt.Fprintln(a.errOut, "arca: not recorded:", OneLine(err))
	}
}
