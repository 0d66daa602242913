package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

func (a *app) keysCmd() *cobra.Command {
	var tenant string
	var ackTimeout time.Duration
	cmd := &cobra.Command{Use: "keys", Short: "Manage the keyring: init, rotate, list, erase-tenant, status, sync"}
	list := func(w io.Writer, infos []keyring.Info) {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY ID\tSCOPE\tPRIMARY\tCREATED\tDESTROYED")
		for _, i := range infos {
			destroyed := ""
			if i.Destroyed != nil {
				destroyed = i.Destroyed.Format("2006-01-02 15:04:05Z")
			}
			fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\n", i.ID, scope(i.Tenant), i.Primary, i.Created.Format("2006-01-02 15:04:05Z"), destroyed)
		}
		tw.Flush()
	}
	initC := &cobra.Command{
		Use: "init", Short: "Create the keyring with its first key (refuses to overwrite)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := stack.KeyringStore(a.cfg)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(st.Path), 0o700); err != nil {
				return err
			}
			kr, err := keyring.Init(cmd.Context(), st)
			if err != nil {
				return err
			}
			a.emit(kr.List(), func(w io.Writer) { list(w, kr.List()) })
			a.auditKey(cmd.Context(), "key.init", "", "")
			return a.announceKeyring(cmd.Context(), kr, "init", ackTimeout)
		},
	}
	rotate := &cobra.Command{
		Use: "rotate", Short: "Add a new primary key; every older backup still opens", Args: cobra.NoArgs,
		Long: `Adds a new primary key to the default scope, or with --tenant to the tenant's own scope. It returns
once every running service holding keys has loaded it (docs/keys.md), or names those that have not and
exits 1.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := stack.KeyringStore(a.cfg)
			if err != nil {
				return err
			}
			kr, err := keyring.Load(cmd.Context(), st)
			if err != nil {
				return err
			}
			if _, err := kr.Rotate(tenant); err != nil {
				return err
			}
			if err := kr.Save(cmd.Context(), st); err != nil {
				return err
			}
			a.emit(kr.List(), func(w io.Writer) { list(w, kr.List()) })
			a.auditKey(cmd.Context(), "key.rotate", tenant, "scope="+scope(tenant))
			return a.announceKeyring(cmd.Context(), kr, "rotate "+scope(tenant), ackTimeout)
		},
	}
	rotate.Flags().StringVar(&tenant, "tenant", "", "give this tenant a key of its own (crypto-erasure scope)")
	ls := &cobra.Command{
		Use: "list", Short: "List key versions (never their material)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kr, err := stack.Keyring(cmd.Context(), a.cfg, false)
			if err != nil {
				return err
			}
			a.emit(kr.List(), func(w io.Writer) { list(w, kr.List()) })
			return nil
		},
	}
	var confirm string
	erase := &cobra.Command{
		Use:   "erase-tenant ID",
		Short: "Crypto-erasure: destroy a tenant's own keys, making every backup sealed under them unreadable",
		Long: `Destroys every key version scoped to the tenant (made with keys rotate --tenant ID). Backups sealed
under them can never be opened again; other tenants' backups are untouched. Copies of the keyring
elsewhere (older files, Secrets Manager versions) must be destroyed too: see docs/format.md.
It returns once every running service holding keys has loaded the new keyring (docs/keys.md), or
names those that have not and exits 1.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if confirm != args[0] {
				return usageError{fmt.Errorf("refusing: repeat the tenant id with --confirm %s", args[0])}
			}
			st, err := stack.KeyringStore(a.cfg)
			if err != nil {
				return err
			}
			kr, err := keyring.Load(cmd.Context(), st)
			if err != nil {
				return err
			}
			if err := kr.DestroyTenant(args[0]); err != nil {
				return err
			}
			if err := kr.Save(cmd.Context(), st); err != nil {
				return err
			}
			a.emit(kr.List(), func(w io.Writer) { list(w, kr.List()) })
			a.auditKey(cmd.Context(), "key.erase_tenant", args[0], "every key version of the tenant destroyed")
			return a.announceKeyring(cmd.Context(), kr, "erase-tenant "+args[0], ackTimeout)
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
	cmd.AddCommand(initC, rotate, ls, erase, syncC, a.keysStatusCmd())
	return cmd
}

func scope(t string) string {
	if t == "" {
		return "default"
	}
	return "tenant " + t
}
