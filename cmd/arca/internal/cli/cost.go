package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/cost"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/lifecycle"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// The projection fits up to costHistorySamples samples of the stored
// total over the last costHistoryWindow: recent growth, not the ramp-up
// before retention filled.
const (
	costHistorySamples = 60
	costHistoryWindow  = 90 * 24 * time.Hour
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
			var units []costUnit
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
			items, history := costItems(units, policy(a.cfg), now)
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

// costObject is one stored object (or one catalog backup).
type costObject struct {
	size  int64
	class string
}

// costUnit is a backup (subject to the retention plan) or a lone object
// (WAL, anything else in the bucket).
type costUnit struct {
	backup  retention.Backup
	planned bool
	objects []costObject
}

// catalogUnits are the committed backups the catalog recorded, each in
// the class the uploader gave its kind, or the lifecycle's archive class
// once old enough.
func (a *app) catalogUnits(ctx context.Context, now time.Time) ([]costUnit, error) {
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
	var out []costUnit
	for _, b := range rows {
		if b.CommittedAt == nil {
			continue // not in the bucket (yet, or ever)
		}
		v := retention.NotVerified
		switch b.State {
		case coordinator.JobVerified:
			v = retention.Verified
		case coordinator.JobFailed, coordinator.JobDeadLettered:
			v = retention.VerificationFailed
		}
		out = append(out, costUnit{planned: true,
			backup:  retention.Backup{Kind: b.Kind, Tenant: b.Tenant, BackupID: b.BackupID, CreatedAt: *b.CommittedAt, Verification: v, Size: b.Bytes},
			objects: []costObject{{size: b.Bytes, class: catalogClass(a.cfg, b.Kind, now.Sub(*b.CommittedAt), b.Bytes)}}})
	}
	return out, nil
}

// catalogClass is where a backup of kind, age and size sits: the
// uploader's class for the kind, or the lifecycle's archive class once the
// rule has moved it (lifecycle.Derive with the default archive).
func catalogClass(cfg config.Config, kind string, age time.Duration, size int64) string {
	class := stack.Policies(cfg)[kind].StorageClass
	if archive := lifecycle.DefaultArchive()[kind]; archive != "" && size > lifecycle.DefaultMinArchiveSize {
		days := policy(cfg).Kinds[kind].KeepDays + lifecycle.DefaultArchiveMarginDays
		if age >= time.Duration(days)*24*time.Hour {
			class = archive
		}
	}
	if class == "" {
		class = "STANDARD"
	}
	return class
}

// bucketUnits lists the bucket: backups by their folder, WAL and anything
// else object by object.
func (a *app) bucketUnits(ctx context.Context) ([]costUnit, error) {
	store, err := stack.Store(ctx, a.cfg)
	if err != nil {
		return nil, err
	}
	root := strings.Trim(a.cfg.Store.Prefix, "/")
	list := ""
	if root != "" {
		list = root + "/"
	}
	backups := map[string]*costUnit{}
	var out []costUnit
	for oi, err := range store.List(ctx, list) {
		if err != nil {
			return nil, fmt.Errorf("cost: list bucket: %w", err)
		}
		obj := costObject{size: oi.Size, class: oi.StorageClass}
		if obj.class == "" {
			obj.class = "STANDARD"
		}
		parts := strings.Split(strings.TrimPrefix(oi.Key, list), "/")
		var b retention.Backup
		switch {
		case len(parts) == 4 && parts[0] == "tenants":
			tenant, err := url.PathUnescape(parts[1])
			if err != nil {
				tenant = parts[1]
			}
			b = retention.Backup{Kind: "tenant", Tenant: tenant, BackupID: parts[2]}
		case len(parts) == 3 && (parts[0] == "full" || parts[0] == "base"):
			b = retention.Backup{Kind: parts[0], BackupID: parts[1]}
		default:
			kind := "other"
			if parts[0] == "wal" {
				kind = "wal"
			}
			out = append(out, costUnit{backup: retention.Backup{Kind: kind, BackupID: oi.Key, CreatedAt: oi.LastModified}, objects: []costObject{obj}})
			continue
		}
		id := b.Kind + "/" + b.Tenant + "/" + b.BackupID
		u := backups[id]
		if u == nil {
			b.Verification = retention.NotVerified
			u = &costUnit{backup: b, planned: true}
			backups[id] = u
		}
		u.objects = append(u.objects, obj)
		u.backup.Size += oi.Size
		if oi.LastModified.After(u.backup.CreatedAt) {
			u.backup.CreatedAt = oi.LastModified
		}
	}
	for _, id := range slices.Sorted(maps.Keys(backups)) {
		out = append(out, *backups[id])
	}
	return out, nil
}

// costItems is what is stored at now (the backups the policy keeps, every
// other object) and the stored total at up to costHistorySamples times
// since the oldest unit (within costHistoryWindow).
func costItems(units []costUnit, p retention.Policy, now time.Time) ([]cost.Item, []cost.Sample) {
	if len(units) == 0 {
		return nil, nil
	}
	storedAt := func(t time.Time) map[int]bool {
		kept := map[int]bool{}
		var bs []retention.Backup
		idx := map[string]int{}
		for i, u := range units {
			if u.backup.CreatedAt.After(t) {
				continue
			}
			if !u.planned {
				kept[i] = true
				continue
			}
			bs = append(bs, u.backup)
			idx[u.backup.Kind+"/"+u.backup.Tenant+"/"+u.backup.BackupID] = i
		}
		for _, d := range p.Plan(bs, t).Decisions {
			if d.Action == retention.Keep {
				kept[idx[d.Kind+"/"+d.Tenant+"/"+d.BackupID]] = true
			}
		}
		return kept
	}
	type key struct{ tenant, kind, class string }
	agg := map[key]*cost.Item{}
	for i := range storedAt(now) {
		u := units[i]
		for _, o := range u.objects {
			k := key{u.backup.Tenant, u.backup.Kind, o.class}
			if agg[k] == nil {
				agg[k] = &cost.Item{Tenant: k.tenant, Kind: k.kind, StorageClass: k.class}
			}
			agg[k].Bytes += o.size
			agg[k].Objects++
		}
	}
	items := make([]cost.Item, 0, len(agg))
	for _, it := range agg {
		items = append(items, *it)
	}
	first := now
	for _, u := range units {
		if u.backup.CreatedAt.Before(first) {
			first = u.backup.CreatedAt
		}
	}
	first = costLater(first, now.Add(-costHistoryWindow))
	span := now.Sub(first)
	step := max(span/costHistorySamples, time.Hour)
	var history []cost.Sample
	for t := now; !t.Before(first); t = t.Add(-step) {
		var total int64
		for i := range storedAt(t) {
			for _, o := range units[i].objects {
				total += o.size
			}
		}
		history = append(history, cost.Sample{At: t, Bytes: total})
	}
	slices.Reverse(history)
	return items, history
}

func costLater(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
