package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/messages"
)

func (a *app) devCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "dev",
		Short: "Run the whole system in one process: embedded NATS JetStream and every stage",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			softMemoryLimit(devMemoryLimit)
			srv, err := stack.StartDev(cmd.Context(), a.cfg)
			if err != nil {
				return err
			}
			defer srv.Stop()
			where := a.cfg.Store.FS.Dir
			if a.cfg.Store.Kind == "s3" {
				where = "s3://" + a.cfg.Store.S3.Bucket
			}
			fmt.Fprintf(a.out, "arca dev: NATS %s, bucket %s, source %s\n", srv.URL(), where, messages.RedactURL(a.cfg.Source.URL))
			paging := os.Getenv(a.cfg.Alerting.PagerDuty.RoutingKeyEnv) != ""
			if paging {
				fmt.Fprintln(a.out, "arca dev: alerter on, paging PagerDuty")
			} else {
				fmt.Fprintf(a.out, "arca dev: alerter off (set %s to page PagerDuty)\n", a.cfg.Alerting.PagerDuty.RoutingKeyEnv)
			}
			fmt.Fprintln(a.out, "arca dev: ready (Ctrl-C to stop)")
			return a.runServices(cmd.Context(), stack.DevSet(paging))
		},
	}
}
