package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

func (a *app) devCmd() *cobra.Command {
	return command("dev", cobra.NoArgs, "Run the whole system in one process: embedded NATS JetStream and every stage",
		func(ctx context.Context, _ []string) error {
			softMemoryLimit(devMemoryLimit)
			srv, err := stack.StartDev(ctx, a.cfg)
			if err != nil {
				return err
			}
			defer srv.Stop()
			paging := stack.Paging(a.cfg, os.Getenv)
			fmt.Fprint(a.out, stack.DevBanner(a.cfg, srv.URL(), paging))
			return a.runServices(ctx, stack.DevSet(paging))
		})
}
