package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// keysRecoverCmd rebuilds a lost keyring file from its escrow in the
// bucket, with kms:Decrypt (docs/keys.md, "If the keyring file is lost").
func (a *app) keysRecoverCmd() *cobra.Command {
	var fromBucket bool
	cmd := &cobra.Command{
		Use:   "recover --from-bucket",
		Short: "Rebuild a lost keyring file from its escrow in the bucket, with KMS (refuses to overwrite)",
		Long: `Reads the keyring's escrow (<prefix>/keyring/escrow.json, from the first destination that has one),
opens it with kms:Decrypt under the KMS key it names, and writes the keyring to keys.keyring under the
passphrase of keys.passphrase_env. A keyring already there is never overwritten. Tenants' own local keys
are not in the escrow (so that erase-tenant stays final): their backups do not open after a recovery.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if !fromBucket {
				return usageError{errors.New("--from-bucket is required (the escrow is the only source)")}
			}
			if _, ok := config.SecretID(a.cfg.Keys.Keyring); ok {
				return usageError{errors.New("keys.keyring is a Secrets Manager secret: it keeps every version itself; recover is for a file: keyring")}
			}
			set, err := stack.Destinations(ctx, a.cfg)
			if err != nil {
				return err
			}
			rc, err := a.fallbackReader(set).Get(ctx, stack.EscrowKey(a.cfg), objstore.Range{})
			if errors.Is(err, objstore.ErrNotFound) {
				return fmt.Errorf("%w: %s in no destination (is keys.kms set? arca keys escrow writes it)", keyring.ErrNoEscrow, stack.EscrowKey(a.cfg))
			}
			if err != nil {
				return err
			}
			raw, err := io.ReadAll(io.LimitReader(rc, 16<<20))
			rc.Close()
			if err != nil {
				return err
			}
			doc, err := keyring.OpenEscrow(raw, stack.KMSClient(a.cfg))
			if err != nil {
				return err
			}
			defer clear(doc)
			src, err := stack.KeyringSource(ctx, a.cfg)
			if err != nil {
				return err
			}
			kr, err := keyring.Unmarshal(doc, src.Opts...)
			if err != nil {
				return err
			}
			if src.Path != "" {
				if err := os.MkdirAll(filepath.Dir(src.Path), 0o700); err != nil {
					return err
				}
			}
			// Create only: a keyring that is there is never replaced.
			if err := src.Store.Save(ctx, doc, true); err != nil {
				return fmt.Errorf("recover keyring: %w", err)
			}
			a.emit(kr.List(), func(w io.Writer) {
				fmt.Fprintf(w, "recovered the keyring from %s into %s: %d key versions\n", stack.EscrowKey(a.cfg), a.cfg.Keys.Keyring, len(kr.List()))
			})
			a.auditKey(ctx, "key.recover", "", "")
			return nil
		},
	}
	cmd.Flags().BoolVar(&fromBucket, "from-bucket", false, "read the escrow from the bucket (every destination in turn)")
	return cmd
}

// keysEscrowCmd writes the keyring's escrow now: for a keyring made before
// escrows, or after a destination was down when the keyring last changed.
func (a *app) keysEscrowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "escrow",
		Short: "Store the keyring's escrow (sealed under keys.kms) in every destination",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			uri, ok := config.KMSKeyURI(a.cfg.Keys.KMS)
			if !ok {
				return usageError{errors.New("keys.kms is required: the escrow is sealed under a KMS key")}
			}
			kr, err := stack.Keyring(ctx, a.cfg, false)
			if err != nil {
				return err
			}
			doc, left, err := kr.Escrow(stack.KMSClient(a.cfg), uri)
			if err != nil {
				return err
			}
			if err := stack.PutEscrow(ctx, a.cfg, doc); err != nil {
				return err
			}
			fmt.Fprintf(a.out, "stored the keyring's escrow at %s in every destination, sealed under %s; %d tenant keys of their own left out\n",
				stack.EscrowKey(a.cfg), uri, left)
			return nil
		},
	}
}
