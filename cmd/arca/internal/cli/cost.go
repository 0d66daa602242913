package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/cost"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

func (a *app) costCmd() *cobra.Command {
	var from, pricesPath string
	cmd := command("cost", cobra.NoArgs,
		"What the bucket costs a month, per tenant, kind and storage class, and next month from the growth",
		func(ctx context.Context, _ []string) error {
			o := stack.CostOptions(a.cfg, time.Now().UTC())
			o.From = from
			if pricesPath != "" {
				var err error
				if o.Prices, err = cost.LoadPrices(pricesPath); err != nil {
					return usageError{err}
				}
			}
			rep, err := cost.Run(ctx, o)
			if err != nil {
				return usage(err, cost.ErrUnknownSource)
			}
			a.show(rep)
			for _, c := range rep.Unpriced {
				fmt.Fprintf(a.errOut, "arca: no price for storage class %s: counted as 0 (--prices)\n", c)
			}
			return nil
		})
	cmd.Flags().StringVar(&from, "from", "", "where stored bytes come from: catalog or bucket (default: the catalog when configured)")
	cmd.Flags().StringVar(&pricesPath, "prices", "", "price table, YAML or JSON, over the plan's defaults")
	return cmd
}
