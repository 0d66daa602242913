package cli

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/cost"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

func (a *app) costCmd() *cobra.Command {
	var from, pricesPath string
	cmd := &cobra.Command{
		Use:   "cost",
		Short: "What the bucket costs a month, per tenant, kind and storage class, and next month from the growth",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
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
			a.emit(rep, func(w io.Writer) { printCost(w, rep) })
			for _, c := range rep.Unpriced {
				fmt.Fprintf(a.errOut, "arca: no price for storage class %s: counted as 0 (--prices)\n", c)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "where stored bytes come from: catalog or bucket (default: the catalog when configured)")
	cmd.Flags().StringVar(&pricesPath, "prices", "", "price table, YAML or JSON, over the plan's defaults")
	return cmd
}

func printCost(w io.Writer, rep cost.Report) {
	tab := newTable(w, "TENANT\tKIND\tCLASS\tOBJECTS\tSTORED\t"+rep.Currency+"/MONTH")
	for _, l := range rep.Lines {
		tab.row(orDash(l.Tenant), l.Kind, l.StorageClass, l.Objects, human(l.Bytes), fmt.Sprintf("%.4f", l.Monthly))
	}
	tab.flush()
	for _, k := range slices.Sorted(maps.Keys(rep.ByClass)) {
		t := rep.ByClass[k]
		fmt.Fprintf(w, "%-20s %10s  %.4f %s/month at %.4f per GB\n", k, human(t.Bytes), t.Monthly, rep.Currency, rep.Prices[k].PerGBMonth)
	}
	fmt.Fprintf(w, "total: %s, %.2f %s/month (source: %s)\n", human(rep.Total.Bytes), rep.Total.Monthly, rep.Currency, rep.Source)
	p := rep.Projection
	if p.HistoryDays == 0 {
		fmt.Fprintf(w, "in 30 days: no growth known yet (history: %d sample(s))\n", p.Samples)
	} else {
		fmt.Fprintf(w, "in 30 days: %s, %.2f %s/month (growth %s a month over %.1f days of history)\n",
			human(p.Bytes), p.Monthly, rep.Currency, human(p.GrowthPerMonth), p.HistoryDays)
	}
	for _, n := range rep.Notes {
		fmt.Fprintln(w, "note:", n)
	}
}
