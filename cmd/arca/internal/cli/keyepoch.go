package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// announceKeyring tells the running services that the keyring was saved
// anew (keyadmin.Announce) and says what they did.
func (a *app) announceKeyring(ctx context.Context, kr *keyring.Keyring, change string, wait time.Duration) error {
	ann, err := a.keyAdmin().Announce(ctx, kr, change, wait)
	switch {
	case err != nil:
		return err
	case !ann.Told:
		fmt.Fprintln(a.errOut, "arca: keyring saved; no NATS configured and no arca dev running here: no running service told")
	case !ann.Waited:
		a.printf("keyring epoch %d (%s) announced; not waiting for the services\n", ann.Epoch, change)
	default:
		a.printf("keyring epoch %d (%s): loaded by every running instance (%d)\n", ann.Epoch, change, ann.Live)
	}
	return nil
}

func (a *app) keysStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "The announced keyring epoch and the epoch every running service holds; exits 1 if any is behind",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := stack.KeyringStatusOf(cmd.Context(), a.cfg)
			if err != nil {
				return err
			}
			ann, insts := st.Epoch, st.Instances
			a.emit(st, func(w io.Writer) {
				fmt.Fprintf(w, "keyring epoch %d (%s, %s), fingerprint %.12s\n", ann.N, orNone(ann.Change), ann.At.Format(time.RFC3339), ann.Fingerprint)
				t := newTable(w, "INSTANCE\tSERVICES\tEPOCH\tSTATE\tSEEN")
				for _, i := range insts {
					t.row(i.ID, strings.Join(i.Services, ","), i.Epoch, i.State(ann.N), i.At.Format(time.RFC3339))
				}
				t.flush()
			})
			if st.Behind > 0 {
				return fmt.Errorf("%d of %d running instances hold an older keyring than epoch %d", st.Behind, len(insts), ann.N)
			}
			return nil
		},
	}
}

func orNone(s string) string {
	if s == "" {
		return "nothing announced"
	}
	return s
}
