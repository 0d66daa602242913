package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/keyadmin"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

// keysRecoverCmd rebuilds a lost keyring file from its escrow in the
// bucket, with kms:Decrypt (docs/keys.md, "If the keyring file is lost").
func (a *app) keysRecoverCmd() *cobra.Command {
	var fromBucket bool
	cmd := command("recover --from-bucket", cobra.NoArgs,
		"Rebuild a lost keyring file from its escrow in the bucket, with KMS (refuses to overwrite)",
		func(ctx context.Context, _ []string) error {
			if !fromBucket {
				return usageError{errors.New("--from-bucket is required (the escrow is the only source)")}
			}
			kr, err := a.keyAdmin().Recover(ctx)
			if err != nil {
				return usage(err, keyadmin.ErrNotAFile)
			}
			a.emit(kr.List(), func(w io.Writer) {
				fmt.Fprintf(w, "recovered the keyring from %s into %s: %d key versions\n", stack.EscrowKey(a.cfg), a.cfg.Keys.Keyring, len(kr.List()))
			})
			return nil
		})
	cmd.Flags().BoolVar(&fromBucket, "from-bucket", false, "read the escrow from the bucket (every destination in turn)")
	return cmd
}

// keysEscrowCmd writes the keyring's escrow now: for a keyring made before
// escrows, or after a destination was down when the keyring last changed.
func (a *app) keysEscrowCmd() *cobra.Command {
	return command("escrow", cobra.NoArgs, "Store the keyring's escrow (sealed under keys.kms) in every destination",
		func(ctx context.Context, _ []string) error {
			e, err := a.keyAdmin().Escrow(ctx)
			if err != nil {
				return usage(err, keyadmin.ErrNoKMS)
			}
			fmt.Fprintf(a.out, "stored the keyring's escrow at %s in every destination, sealed under %s; %d tenant keys of their own left out\n",
				e.Key, e.KMS, e.LeftOut)
			return nil
		})
}
