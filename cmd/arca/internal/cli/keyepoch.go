package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// announceKeyring tells the running services that the keyring was saved
// anew (keyadmin.Announce) and says what they did.
func (a *app) announceKeyring(ctx context.Context, kr *keyring.Keyring, change string, wait time.Duration) error {
	ann, err := a.keyAdmin().Announce(ctx, kr, change, wait)
	if err != nil {
		return err
	}
	ann.WriteText(a.text(), a.errOut, change)
	return nil
}

func (a *app) keysStatusCmd() *cobra.Command {
	return command("status", cobra.NoArgs,
		"The announced keyring epoch and the epoch every running service holds; exits 1 if any is behind",
		func(ctx context.Context, _ []string) error {
			st, err := stack.KeyringStatusOf(ctx, a.cfg)
			if err != nil {
				return err
			}
			a.show(st)
			return st.Err()
		})
}
