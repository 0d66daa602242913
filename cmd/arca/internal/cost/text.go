package cost

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/arcabackup/arca/pkg/texttable"
)

// WriteText is the report as arca cost prints it: a row per tenant, kind
// and class, the totals per class, the total, the projection and notes.
func (rep Report) WriteText(w io.Writer) {
	tab := texttable.New(w, "TENANT\tKIND\tCLASS\tOBJECTS\tSTORED\t"+rep.Currency+"/MONTH")
	for _, l := range rep.Lines {
		tab.Row(texttable.OrDash(l.Tenant), l.Kind, l.StorageClass, l.Objects, texttable.Bytes(l.Bytes), fmt.Sprintf("%.4f", l.Monthly))
	}
	tab.Flush()
	for _, k := range slices.Sorted(maps.Keys(rep.ByClass)) {
		t := rep.ByClass[k]
		fmt.Fprintf(w, "%-20s %10s  %.4f %s/month at %.4f per GB\n",
			k, texttable.Bytes(t.Bytes), t.Monthly, rep.Currency, rep.Prices[k].PerGBMonth)
	}
	fmt.Fprintf(w, "total: %s, %.2f %s/month (source: %s)\n", texttable.Bytes(rep.Total.Bytes), rep.Total.Monthly, rep.Currency, rep.Source)
	p := rep.Projection
	if p.HistoryDays == 0 {
		fmt.Fprintf(w, "in 30 days: no growth known yet (history: %d sample(s))\n", p.Samples)
	} else {
		fmt.Fprintf(w, "in 30 days: %s, %.2f %s/month (growth %s a month over %.1f days of history)\n",
			texttable.Bytes(p.Bytes), p.Monthly, rep.Currency, texttable.Bytes(p.GrowthPerMonth), p.HistoryDays)
	}
	for _, n := range rep.Notes {
		fmt.Fprintln(w, "note:", n)
	}
}

// WriteUnpriced warns of each storage class with no price (counted as 0),
// a line each: on stderr, beside the report or its JSON.
func (rep Report) WriteUnpriced(w io.Writer) {
	for _, c := range rep.Unpriced {
		fmt.Fprintf(w, "arca: no price for storage class %s: counted as 0 (--prices)\n", c)
	}
}
