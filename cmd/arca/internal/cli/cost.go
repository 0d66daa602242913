package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/cost"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

func (a *app) costCmd() *cobra.Command {
	var from, pricesPath string
	cmd := &cobra.Command{
		Use:   "cost",
		Short: "What the bucket costs a month, per tenant, kind and storage class, and next month from the growth",
		Long: `Stored bytes per tenant, kind and storage class, priced with the plan's cost table (or --prices FILE, YAML or
JSON: {currency: USD, classes: {STANDARD: {per_gb_month: 0.023}}}, over the defaults), and the total 30 days from
now along the growth of the stored total over the recorded history.

--from catalog reads the backups the catalog recorded and keeps those the retention policy keeps (what prune leaves;
the catalog is not told of prunes), each in the storage class the uploader and the lifecycle rules give it; WAL is
not in the catalog. --from bucket lists the bucket: every object, WAL included, in the class S3 reports. The default
is the catalog when one is configured, else the bucket.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			prices := cost.DefaultPrices()
			if pricesPath != "" {
				var err error
				if prices, err = cost.LoadPrices(pricesPath); err != nil {
					return usageError{err}
				}
			}
			if from == "" {
				from = "bucket"
				if u, _ := stack.CatalogURL(a.cfg); u != "" {
					from = "catalog"
				}
			}
			now := time.Now().UTC()
			var units []cost.Unit
			var notes []string
			switch from {
			case "catalog":
				var err error
				if units, err = a.catalogUnits(ctx, now); err != nil {
					return err
				}
				notes = append(notes, "from the catalog: backups the retention policy keeps today (what prune leaves); WAL is not in the catalog (--from bucket counts it)")
			case "bucket":
				var err error
				if units, err = a.bucketUnits(ctx); err != nil {
					return err
				}
				notes = append(notes, "from the bucket listing; the history is rebuilt from what is still stored, backups through the retention policy, WAL and other objects as if none had been deleted")
			default:
				return usageError{fmt.Errorf("--from %q: want catalog or bucket", from)}
			}
			items, history := cost.Stored(units, stack.Policy(a.cfg), now)
			rep := cost.Compute(from, items, history, prices, now)
			rep.Notes = append(rep.Notes, notes...)
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
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tKIND\tCLASS\tOBJECTS\tSTORED\t"+rep.Currency+"/MONTH")
	for _, l := range rep.Lines {
		tenant := l.Tenant
		if tenant == "" {
			tenant = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%.4f\n", tenant, l.Kind, l.StorageClass, l.Objects, human(l.Bytes), l.Monthly)
	}
	tw.Flush()
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

// catalogUnits are the committed backups the catalog recorded
// (cost.CatalogUnits), in the classes the configuration gives them.
func (a *app) catalogUnits(ctx context.Context, now time.Time) ([]cost.Unit, error) {
	cat, err := stack.Catalog(ctx, a.cfg)
	if err != nil {
		return nil, err
	}
	defer cat.Close()
	if err := coordinator.MigrateCatalog(ctx, cat); err != nil {
		return nil, err
	}
	rows, err := coordinator.CatalogBackups(ctx, cat)
	if err != nil {
		return nil, err
	}
	c := cost.Classes{Uploader: map[string]string{}, KeepDays: map[string]int{}}
	for kind, p := range stack.Policies(a.cfg) {
		c.Uploader[kind] = p.StorageClass
	}
	for kind, p := range stack.Policy(a.cfg).Kinds {
		c.KeepDays[kind] = p.KeepDays
	}
	return cost.CatalogUnits(rows, c, now), nil
}

// bucketUnits lists the bucket (cost.BucketUnits).
func (a *app) bucketUnits(ctx context.Context) ([]cost.Unit, error) {
	store, err := stack.Store(ctx, a.cfg)
	if err != nil {
		return nil, err
	}
	return cost.BucketUnits(ctx, store, backupLayout(a))
}
