package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// announceKeyring tells the running services that the keyring was saved
// anew (a new keyring epoch, docs/keys.md) and waits until every live
// instance holding keys has loaded it, or names those that have not.
func (a *app) announceKeyring(ctx context.Context, kr *keyring.Keyring, change string, wait time.Duration) error {
	if _, err := stack.NATSURL(a.cfg); err != nil {
		// keys init on a new installation, or --ack-timeout 0: nothing runs
		// yet, or the operator says not to wait.
		if change == "init" || wait <= 0 {
			fmt.Fprintln(a.errOut, "arca: keyring saved; no NATS configured and no arca dev running here: no running service told")
			return nil
		}
		return fmt.Errorf("keyring saved, but no NATS is configured (nats.url, ARCA_NATS_URL) and no arca dev runs here, so running services cannot be told; if none runs, repeat with --ack-timeout 0: %w", err)
	}
	conn, err := stack.Connect(ctx, a.cfg, "keys")
	if err != nil {
		return fmt.Errorf("keyring saved, but running services were not told (run arca keys sync once NATS answers): %w", err)
	}
	defer conn.Close()
	ack, err := stack.AnnounceAndAwait(ctx, conn.JS, a.cfg.NATS.Replicas, kr.Fingerprint(), change, wait)
	if err != nil {
		return err
	}
	if wait <= 0 {
		a.printf("keyring epoch %d (%s) announced; not waiting for the services\n", ack.Announcement.N, change)
		return nil
	}
	if err := ack.Err(wait); err != nil {
		return err
	}
	a.printf("keyring epoch %d (%s): loaded by every running instance (%d)\n", ack.Announcement.N, change, len(ack.Live))
	return nil
}

func (a *app) keysStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "The announced keyring epoch and the epoch every running service holds; exits 1 if any is behind",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			conn, err := stack.Connect(ctx, a.cfg, "keys")
			if err != nil {
				return err
			}
			defer conn.Close()
			st, err := stack.ReadKeyringStatus(ctx, conn.JS, a.cfg.NATS.Replicas)
			if err != nil {
				return err
			}
			ann, insts := st.Epoch, st.Instances
			a.emit(st, func(w io.Writer) {
				fmt.Fprintf(w, "keyring epoch %d (%s, %s), fingerprint %.12s\n", ann.N, orNone(ann.Change), ann.At.Format(time.RFC3339), ann.Fingerprint)
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "INSTANCE\tSERVICES\tEPOCH\tSTATE\tSEEN")
				for _, i := range insts {
					state := "current"
					if i.Epoch < ann.N {
						state = "BEHIND"
						if i.Behind != "" {
							state += ": " + i.Behind
						}
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", i.ID, strings.Join(i.Services, ","), i.Epoch, state, i.At.Format(time.RFC3339))
				}
				tw.Flush()
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
