package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/texttable"
)

func (a *app) decryptCmd() *cobra.Command {
	var in, out, artifact, manifest, tenant string
	cmd := command("decrypt", cobra.NoArgs, "Turn a sealed artifact back into the plain archive with the keyring alone",
		func(ctx context.Context, _ []string) error {
			if in == "" || out == "" {
				return usageError{errors.New("--in FILE and --out FILE are required")}
			}
			if manifest == "" && artifact == "" {
				return usageError{errors.New("name the artifact: --manifest FILE or --artifact ID")}
			}
			n, err := stack.Decrypt(ctx, a.cfg, backup.DecryptOptions{In: in, Out: out, Artifact: artifact, Manifest: manifest, Tenant: tenant})
			switch {
			case errors.Is(err, backup.ErrTenantNeeded):
				return usageError{fmt.Errorf("%s is the manifest of a tenant backup: name its tenant with --tenant", manifest)}
			case errors.As(err, new(*backup.OpenError)):
				return decryptError(err)
			case err != nil:
				return err
			}
			a.emit(map[string]any{"out": out, "bytes": n}, func(w io.Writer) {
				fmt.Fprintf(w, "decrypted %s → %s (%s)\n", in, out, texttable.Bytes(n))
			})
			return nil
		})
	cmd.Flags().StringVar(&in, "in", "", "sealed artifact")
	cmd.Flags().StringVar(&out, "out", "", "where the plain stream goes")
	cmd.Flags().StringVar(&artifact, "artifact", "", "artifact id the parts were sealed for")
	cmd.Flags().StringVar(&manifest, "manifest", "", "manifest.json of the backup")
	cmd.Flags().StringVar(&tenant, "tenant", "", "the tenant of a tenant backup's --manifest")
	return cmd
}

// decryptError gives decrypt's documented exit codes: 2 for input that is
// not a sealed artifact, 3 for one that fails authentication.
func decryptError(err error) error {
	var auth *seal.AuthError
	switch {
	case errors.Is(err, seal.ErrMalformed):
		return exitError{code: 2, err: err}
	case errors.As(err, &auth), errors.Is(err, seal.ErrTampered), errors.Is(err, seal.ErrTruncated),
		errors.Is(err, seal.ErrOutOfOrder), errors.Is(err, seal.ErrTrailingData):
		return exitError{code: 3, err: err}
	}
	return err
}
