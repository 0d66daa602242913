package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup/upgrade"
)

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
			enc := json.NewEncoder(a.out)
			enc.SetIndent("", "  ")
			if err := enc.Encode(map[string]any{"manifest_key": e.Key, "manifest": e.Manifest, "verification": e.Verification}); err != nil {
				return err
			}
			return e.VerificationErr
		})
	return group("manifests", "Manage the manifests in the bucket", up, show)
}
