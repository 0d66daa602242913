package cli

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

func (a *app) keysCmd() *cobra.Command {
	var tenant string
	cmd := &cobra.Command{Use: "keys", Short: "Manage the keyring: init, rotate, list"}
	list := func(w io.Writer, infos []keyring.Info) {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY ID\tSCOPE\tPRIMARY\tCREATED")
		for _, i := range infos {
			fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", i.ID, scope(i.Tenant), i.Primary, i.Created.Format("2006-01-02 15:04:05Z"))
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
			if err := os.MkdirAll(dirOf(st.Path), 0o700); err != nil {
				return err
			}
			kr, err := keyring.Init(cmd.Context(), st)
			if err != nil {
				return err
			}
			a.emit(kr.List(), func(w io.Writer) { list(w, kr.List()) })
			return nil
		},
	}
	rotate := &cobra.Command{
		Use: "rotate", Short: "Add a new primary key; every older backup still opens", Args: cobra.NoArgs,
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
			return nil
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
	cmd.AddCommand(initC, rotate, ls)
	return cmd
}

func scope(t string) string {
	if t == "" {
		return "default"
	}
	return "tenant " + t
}

func dirOf(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[:i]
		}
	}
	return "."
}
