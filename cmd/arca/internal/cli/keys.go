package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/keyadmin"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

func (a *app) keysCmd() *cobra.Command {
	var tenant, kmsKey, confirm string
	var ackTimeout time.Duration
	// changed is err when the change failed; else it prints the keyring
	// and tells the services.
	changed := func(ctx context.Context, kr *keyring.Keyring, err error, change string) error {
		if err != nil {
			return err
		}
		a.show(keyadmin.Keys(kr.List()))
		return a.announced(a.keyAdmin().Announce(ctx, kr, change, ackTimeout))
	}
	initC := command("init", cobra.NoArgs, "Create the keyring with its first key (refuses to overwrite)",
		func(ctx context.Context, _ []string) error {
			kr, err := a.keyAdmin().Init(ctx)
			return changed(ctx, kr, err, "init")
		})
	rotate := command("rotate", cobra.NoArgs, "Add a new primary key; every older backup still opens",
		func(ctx context.Context, _ []string) error {
			kr, err := a.keyAdmin().Rotate(ctx, tenant, kmsKey)
			return changed(ctx, kr, usage(err, keyadmin.ErrBadKMS), "rotate "+stack.Scope(tenant))
		})
	rotate.Flags().StringVar(&tenant, "tenant", "", "give this tenant a key of its own (crypto-erasure scope)")
	rotate.Flags().StringVar(&kmsKey, "kms", "", "make the new key the KMS key awskms://KEY-ARN (default: keys.kms for the default scope, a local key for a tenant)")
	ls := command("list", cobra.NoArgs, "List key versions (never their material)", func(ctx context.Context, _ []string) error {
		return a.print(a.keyAdmin().List(ctx))
	})
	erase := command("erase-tenant ID", cobra.ExactArgs(1),
		"Crypto-erasure: destroy a tenant's own keys, making every backup sealed under them unreadable",
		func(ctx context.Context, args []string) error {
			if confirm != args[0] {
				return usageError{fmt.Errorf("refusing: repeat the tenant id with --confirm %s", args[0])}
			}
			kr, err := a.keyAdmin().EraseTenant(ctx, args[0])
			return changed(ctx, kr, err, "erase-tenant "+args[0])
		})
	erase.Flags().StringVar(&confirm, "confirm", "", "the tenant id again")
	syncC := command("sync", cobra.NoArgs,
		"Announce the keyring file as it is now (after copying it to the services' hosts) and wait for them",
		func(ctx context.Context, _ []string) error { return a.announced(a.keyAdmin().Sync(ctx, ackTimeout)) })
	for _, c := range []*cobra.Command{initC, rotate, erase, syncC} {
		c.Flags().DurationVar(&ackTimeout, "ack-timeout", 30*time.Second,
			"how long to wait for every running service to load the new keyring (0: announce without waiting, and do not fail without NATS)")
	}
	return group("keys", "Manage the keyring: init, rotate, list, erase-tenant, status, sync, escrow, recover",
		initC, rotate, ls, erase, syncC, a.keysStatusCmd(), a.keysRecoverCmd(), a.keysEscrowCmd())
}

func (a *app) keyAdmin() keyadmin.Admin {
	return keyadmin.Admin{Cfg: a.cfg, Log: a.log, Served: destinations.TellServed(a.errOut)}
}

// announced says what telling the running services of a keyring saved
// anew did (keyadmin.Announce), unless that failed.
func (a *app) announced(ann keyadmin.Announced, err error) error {
	if err != nil {
		return err
	}
	ann.WriteText(a.text(), a.errOut)
	return nil
}

func (a *app) keysStatusCmd() *cobra.Command {
	return command("status", cobra.NoArgs,
		"The announced keyring epoch and the epoch every running service holds; exits 1 if any is behind",
		func(ctx context.Context, _ []string) error {
			return a.print(stack.KeyringStatusOf(ctx, a.cfg))
		})
}

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
			res, err := a.keyAdmin().Recover(ctx)
			return a.print(res, usage(err, keyadmin.ErrNotAFile))
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
			return a.print(e, usage(err, keyadmin.ErrNoKMS))
		})
}
