package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/backup/upgrade"
	"github.com/arcabackup/arca/pkg/messages"
)

func (a *app) listCmd() *cobra.Command {
	var tenant, destination string
	cmd := command("list", cobra.NoArgs,
		"List the backups in the bucket (newest first), with their verification; --destination: in another destination",
		func(ctx context.Context, _ []string) error {
			// One refused manifest does not hide the others: each is
			// reported on one line naming its key, and the exit code is 3.
			found, err := stack.ListBackups(ctx, a.cfg, destination, tenant)
			if err != nil {
				return usage(err)
			}
			rows, refused := found.Rows()
			a.show(rows)
			return a.refused(refused)
		})
	a.tenantFlag(cmd, &tenant, "only this tenant's backups")
	cmd.Flags().StringVar(&destination, "destination", "", "list this destination's copies and their verification there (store.destinations; default the primary)")
	return cmd
}

func (a *app) infoCmd() *cobra.Command {
	var tenant string
	cmd := command("info", cobra.NoArgs,
		"Summarise the backups in each destination per tenant and kind: counts, ages, verification, copies missing",
		func(ctx context.Context, _ []string) error {
			// As arca list: a refused manifest is reported and skipped. A
			// destination that cannot be listed is reported too; the
			// others are still summed up.
			got, err := stack.Survey(ctx, a.cfg, tenant, time.Now().UTC())
			if err != nil {
				return err
			}
			a.emit(got.Rows, func(w io.Writer) { got.WriteText(w, stack.BucketName(a.cfg)) })
			rerr := a.refused(got.Refused)
			for _, err := range got.Failed {
				fmt.Fprintln(a.errOut, "arca: not read:", messages.OneLine(err))
			}
			if rerr != nil {
				return rerr
			}
			if len(got.Failed) > 0 {
				return fmt.Errorf("%d destinations could not be read (listed above)", len(got.Failed))
			}
			return nil
		})
	a.tenantFlag(cmd, &tenant, "only this tenant")
	return cmd
}

func (a *app) verifyCmd() *cobra.Command {
	var tenant, destination string
	cmd := command("verify BACKUP-ID", cobra.ExactArgs(1),
		"Read a backup (tenant, full or base) back from the bucket and prove it against its manifest",
		func(ctx context.Context, args []string) error {
			res, where, err := stack.Verify(ctx, a.cfg, args[0], tenant, destination)
			if where == "" {
				return usage(err) // not read: no result to print
			}
			a.emit(res, func(w io.Writer) {
				if err == nil {
					res.WriteText(w, where)
				}
			})
			return err
		})
	a.tenantFlag(cmd, &tenant, "the backup's tenant (searches only its folder)")
	cmd.ValidArgsFunction = a.completeBackups("")
	cmd.Flags().StringVar(&destination, "destination", "", "verify the copy in this destination (store.destinations; default the primary)")
	return cmd
}

// copyCmd completes a backup's copy in one destination by hand: what the
// uploader's copy job does, for a copy it gave up on (docs/runbooks/copy-missing.md).
func (a *app) copyCmd() *cobra.Command {
	var req stack.CopyRequest
	cmd := command("copy {BACKUP-ID | --archive} --to DESTINATION", cobra.MaximumNArgs(1),
		"Copy a backup (or the WAL archive) into one destination from the other ones, then verify it there",
		func(ctx context.Context, args []string) error {
			if len(args) == 1 {
				req.ID, req.Named = args[0], true
			}
			res, err := stack.Copy(ctx, a.cfg, req, a.errOut)
			if err != nil {
				return usage(err)
			}
			res.WriteText(a.out)
			return nil
		})
	cmd.Flags().StringVar(&req.To, "to", "", "the destination to complete (store.destinations)")
	a.tenantFlag(cmd, &req.Tenant, "the backup's tenant (searches only its folder)")
	cmd.Flags().BoolVar(&req.Archive, "archive", false, "copy the base backups and WAL the destination lacks")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

func (a *app) manifestsCmd() *cobra.Command {
	var dry bool
	up := command("upgrade", cobra.NoArgs, "Seal the plaintext manifests of format 1 that prove themselves against their data",
		func(ctx context.Context, _ []string) error {
			out, err := stack.UpgradeManifests(ctx, a.cfg, dry)
			if err != nil {
				return err
			}
			a.show(out)
			if refused := upgrade.Count(out, upgrade.Refused); refused > 0 {
				return exitError{code: 3, err: fmt.Errorf("%d manifests refused (listed above)", refused)}
			}
			return nil
		})
	up.Flags().BoolVar(&dry, "dry-run", false, "check and report; write nothing")
	show := command("show BACKUP-ID", cobra.ExactArgs(1),
		"Print a backup's manifest (and verification), authenticated with the keyring, as JSON",
		func(ctx context.Context, args []string) error {
			e, err := stack.Manifest(ctx, a.cfg, args[0])
			if err != nil {
				return err
			}
			if err := a.printJSON(map[string]any{"manifest_key": e.Key, "manifest": e.Manifest, "verification": e.Verification}); err != nil {
				return err
			}
			return e.VerificationErr
		})
	return group("manifests", "Manage the manifests in the bucket", up, show)
}

func (a *app) decryptCmd() *cobra.Command {
	var o backup.DecryptOptions
	cmd := command("decrypt", cobra.NoArgs, "Turn a sealed artifact back into the plain archive with the keyring alone",
		func(ctx context.Context, _ []string) error {
			res, err := stack.Decrypt(ctx, a.cfg, o)
			return a.print(res, usage(err))
		})
	cmd.Flags().StringVar(&o.In, "in", "", "sealed artifact")
	cmd.Flags().StringVar(&o.Out, "out", "", "where the plain stream goes")
	cmd.Flags().StringVar(&o.Artifact, "artifact", "", "artifact id the parts were sealed for")
	cmd.Flags().StringVar(&o.Manifest, "manifest", "", "manifest.json of the backup")
	cmd.Flags().StringVar(&o.Tenant, "tenant", "", "the tenant of a tenant backup's --manifest")
	return cmd
}
