package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/keyadmin"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

func (a *app) keysCmd() *cobra.Command {
	var tenant, kmsKey string
	var ackTimeout time.Duration
	cmd := &cobra.Command{Use: "keys", Short: "Manage the keyring: init, rotate, list, erase-tenant, status, sync, escrow, recover"}
	// changed prints the keyring after a change and tells the services.
	changed := func(ctx context.Context, kr *keyring.Keyring, change string) error {
		a.emit(kr.List(), func(w io.Writer) { printKeys(w, kr.List()) })
		return a.announceKeyring(ctx, kr, change, ackTimeout)
	}
	initC := &cobra.Command{
		Use: "init", Short: "Create the keyring with its first key (refuses to overwrite)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kr, err := a.keyAdmin().Init(cmd.Context())
			if err != nil {
				return err
			}
			return changed(cmd.Context(), kr, "init")
		},
	}
	rotate := &cobra.Command{
		Use: "rotate", Short: "Add a new primary key; every older backup still opens", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			uri := ""
			if kmsKey != "" {
				var ok bool
				if uri, ok = config.KMSKeyURI(kmsKey); !ok {
					return usageError{fmt.Errorf("--kms %q: want awskms://KEY-ARN", kmsKey)}
				}
			}
			kr, err := a.keyAdmin().Rotate(cmd.Context(), tenant, uri)
			if err != nil {
				return err
			}
			return changed(cmd.Context(), kr, "rotate "+keyadmin.Scope(tenant))
		},
	}
	rotate.Flags().StringVar(&tenant, "tenant", "", "give this tenant a key of its own (crypto-erasure scope)")
	rotate.Flags().StringVar(&kmsKey, "kms", "", "make the new key the KMS key awskms://KEY-ARN (default: keys.kms for the default scope, a local key for a tenant)")
	ls := &cobra.Command{
		Use: "list", Short: "List key versions (never their material)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kr, err := stack.Keyring(cmd.Context(), a.cfg, false)
			if err != nil {
				return err
			}
			a.emit(kr.List(), func(w io.Writer) { printKeys(w, kr.List()) })
			return nil
		},
	}
	var confirm string
	erase := &cobra.Command{
		Use:   "erase-tenant ID",
		Short: "Crypto-erasure: destroy a tenant's own keys, making every backup sealed under them unreadable",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if confirm != args[0] {
				return usageError{fmt.Errorf("refusing: repeat the tenant id with --confirm %s", args[0])}
			}
			kr, err := a.keyAdmin().EraseTenant(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return changed(cmd.Context(), kr, "erase-tenant "+args[0])
		},
	}
	erase.Flags().StringVar(&confirm, "confirm", "", "the tenant id again")
	syncC := &cobra.Command{
		Use:   "sync",
		Short: "Announce the keyring file as it is now (after copying it to the services' hosts) and wait for them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kr, err := stack.Keyring(cmd.Context(), a.cfg, false)
			if err != nil {
				return err
			}
			return a.announceKeyring(cmd.Context(), kr, "sync", ackTimeout)
		},
	}
	for _, c := range []*cobra.Command{initC, rotate, erase, syncC} {
		c.Flags().DurationVar(&ackTimeout, "ack-timeout", 30*time.Second,
			"how long to wait for every running service to load the new keyring (0: announce without waiting, and do not fail without NATS)")
	}
	cmd.AddCommand(initC, rotate, ls, erase, syncC, a.keysStatusCmd(), a.keysRecoverCmd(), a.keysEscrowCmd())
	return cmd
}

func (a *app) keyAdmin() keyadmin.Admin {
	return keyadmin.Admin{Cfg: a.cfg, Log: a.log, Served: a.served}
}

// served says which destination served a read when the first did not.
func (a *app) served(key, d string, skipped []error) {
	if len(skipped) > 0 {
		fmt.Fprintf(a.errOut, "read %s from destination %s (%s)\n", key, d, OneLine(errors.Join(skipped...)))
	}
}

func printKeys(w io.Writer, infos []keyring.Info) {
	t := newTable(w, "KEY ID\tSCOPE\tPRIMARY\tKIND\tCREATED\tDESTROYED")
	for _, i := range infos {
		destroyed := ""
		if i.Destroyed != nil {
			destroyed = i.Destroyed.Format("2006-01-02 15:04:05Z")
		}
		kind := i.Kind
		if i.KMSURI != "" {
			kind += " " + i.KMSURI
		}
		t.row(i.ID, keyadmin.Scope(i.Tenant), i.Primary, kind, i.Created.Format("2006-01-02 15:04:05Z"), destroyed)
	}
	t.flush()
}
