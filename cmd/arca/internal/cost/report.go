package cost

import (
	"cmp"
	"maps"
	"slices"
	"time"
)

// Item is what is stored of one tenant's kind in one storage class.
type Item struct {
	Tenant       string `json:"tenant,omitempty"` // "" for whole-database kinds and WAL
	Kind         string `json:"kind"`             // tenant, full, base, wal, other
	StorageClass string `json:"storage_class"`
	Bytes        int64  `json:"bytes"`
	Objects      int    `json:"objects"` // backups (catalog) or objects (bucket)
}

// Sample is the stored total at one time.
type Sample struct {
	At    time.Time `json:"at"`
	Bytes int64     `json:"bytes"`
}

// Line is an Item priced.
type Line struct {
	Item
	PerGBMonth float64 `json:"per_gb_month"`
	Monthly    float64 `json:"monthly"`
	Priced     bool    `json:"priced"` // false: no price for the class (counted as 0)
}

// Total is a sum of lines.
type Total struct {
	Bytes   int64   `json:"bytes"`
	Monthly float64 `json:"monthly"`
}

// Projection is next month from the history's growth.
type Projection struct {
	// HistoryDays is how far back the samples reach; 0 when there are
	// fewer than two (no growth can be told).
	HistoryDays float64 `json:"history_days"`
	Samples     int     `json:"samples"`
	// GrowthPerMonth is the least-squares slope of the stored total over
	// the samples, in bytes per 30 days.
	GrowthPerMonth int64 `json:"growth_bytes_per_month"`
	// Bytes and Monthly are the total stored and its cost 30 days from
	// now, the growth priced at the current average price per byte.
	Bytes   int64   `json:"bytes"`
	Monthly float64 `json:"monthly"`
}

// Report is the cost of what is stored now and next month.
type Report struct {
	Source     string           `json:"source"` // catalog or bucket
	At         time.Time        `json:"at"`
	Currency   string           `json:"currency"`
	Prices     map[string]Price `json:"prices"`
	Lines      []Line           `json:"lines"`
	ByTenant   map[string]Total `json:"by_tenant"`
	ByKind     map[string]Total `json:"by_kind"`
	ByClass    map[string]Total `json:"by_class"`
	Total      Total            `json:"total"`
	Projection Projection       `json:"projection"`
	// Unpriced are the storage classes with no price (counted as 0).
	Unpriced []string `json:"unpriced,omitempty"`
	Notes    []string `json:"notes,omitempty"`
}

// Compute prices items with p and projects history (any order) 30 days
// past now.
func Compute(source string, items []Item, history []Sample, p Prices, now time.Time) Report {
	r := Report{Source: source, At: now.UTC(), Currency: p.Currency, Prices: p.Classes,
		ByTenant: map[string]Total{}, ByKind: map[string]Total{}, ByClass: map[string]Total{}}
	unpriced := map[string]bool{}
	for _, it := range items {
		class := it.StorageClass
		if class == "" {
			class = "STANDARD"
		}
		it.StorageClass = class
		pr, ok := p.Classes[class]
		if !ok {
			unpriced[class] = true
		}
		l := Line{Item: it, PerGBMonth: pr.PerGBMonth, Priced: ok, Monthly: float64(it.Bytes) / GiB * pr.PerGBMonth}
		r.Lines = append(r.Lines, l)
		add := func(m map[string]Total, k string) {
			t := m[k]
			t.Bytes += l.Bytes
			t.Monthly += l.Monthly
			m[k] = t
		}
		add(r.ByTenant, it.Tenant)
		add(r.ByKind, it.Kind)
		add(r.ByClass, class)
		r.Total.Bytes += l.Bytes
		r.Total.Monthly += l.Monthly
	}
	slices.SortFunc(r.Lines, func(a, b Line) int {
		return cmp.Or(cmp.Compare(a.Tenant, b.Tenant), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.StorageClass, b.StorageClass))
	})
	r.Unpriced = slices.Sorted(maps.Keys(unpriced))
	r.Projection = project(history, r.Total)
	return r
}

// project fits a line through the samples (bytes against time) and
// carries the current total along its slope for 30 days.
func project(history []Sample, now Total) Projection {
	p := Projection{Samples: len(history), Bytes: now.Bytes, Monthly: now.Monthly}
	if len(history) < 2 {
		return p
	}
	first, last := history[0].At, history[0].At
	var sx, sy float64
	for _, s := range history {
		if s.At.Before(first) {
			first = s.At
		}
		if s.At.After(last) {
			last = s.At
		}
	}
	n := float64(len(history))
	x := func(t time.Time) float64 { return t.Sub(first).Hours() / 24 }
	for _, s := range history {
		sx += x(s.At)
		sy += float64(s.Bytes)
	}
	mx, my := sx/n, sy/n
	var num, den float64
	for _, s := range history {
		dx := x(s.At) - mx
		num += dx * (float64(s.Bytes) - my)
		den += dx * dx
	}
	p.HistoryDays = last.Sub(first).Hours() / 24
	if den == 0 {
		return p
	}
	perDay := num / den
	p.GrowthPerMonth = int64(perDay * 30)
	p.Bytes = max(now.Bytes+p.GrowthPerMonth, 0)
	if now.Bytes > 0 {
		p.Monthly = now.Monthly * float64(p.Bytes) / float64(now.Bytes)
	}
	return p
}
