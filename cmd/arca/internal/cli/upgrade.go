package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup/upgrade"
)

func (a *app) manifestsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "manifests", Short: "Manage the manifests in the bucket"}
	var dry bool
	up := &cobra.Command{
		Use:   "upgrade",
		Short: "Seal the plaintext manifests of format 1 that prove themselves against their data",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, keys, err := stack.OpenBucket(ctx, a.cfg)
			if err != nil {
				return err
			}
			out, err := upgrade.Run(ctx, store, stack.Repo(a.cfg, store, keys), keys, dry)
			if err != nil {
				return err
			}
			a.emit(out, func(w io.Writer) {
				for _, u := range out {
					if u.Outcome != upgrade.Current {
						fmt.Fprintf(w, "%-14s %s %s\n", u.Outcome, u.Key, u.Reason)
					}
				}
			})
			if refused := upgrade.Count(out, upgrade.Refused); refused > 0 {
				return exitError{code: 3, err: fmt.Errorf("%d manifests refused (listed above)", refused)}
			}
			return nil
		},
	}
	up.Flags().BoolVar(&dry, "dry-run", false, "check and report; write nothing")
	show := &cobra.Command{
		Use:   "show BACKUP-ID",
		Short: "Print a backup's manifest (and verification), authenticated with the keyring, as JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			repo, _, err := stack.OpenRepo(ctx, a.cfg)
			if err != nil {
				return err
			}
			e, err := repo.Get(ctx, args[0], "")
			if err != nil {
				return err
			}
			enc := json.NewEncoder(a.out)
			enc.SetIndent("", "  ")
			if err := enc.Encode(map[string]any{"manifest_key": e.Key, "manifest": e.Manifest, "verification": e.Verification}); err != nil {
				return err
			}
			return e.VerificationErr
		},
	}
	cmd.AddCommand(up, show)
	return cmd
}
