package cost

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/retention"
)

// The projection fits up to HistorySamples samples of the stored total
// over the last HistoryWindow: recent growth, not the ramp-up before
// retention filled.
const (
	HistorySamples = 60
	HistoryWindow  = 90 * 24 * time.Hour
)

// Object is one stored object (or one catalog backup).
type Object struct {
	Size  int64
	Class string
}

// Unit is a backup (Planned: subject to the retention plan) or a lone
// object (WAL, anything else in the bucket).
type Unit struct {
	Backup  retention.Backup
	Planned bool
	Objects []Object
}

// Lister lists a bucket.
type Lister interface {
	List(ctx context.Context, prefix string) iter.Seq2[objstore.ObjectInfo, error]
}

// BucketUnits lists the bucket under the layout's prefix: backups by their
// folder (the layout's keys), WAL and anything else object by object.
func BucketUnits(ctx context.Context, store Lister, layout backup.Layout) ([]Unit, error) {
	list := strings.Trim(layout.Prefix, "/")
	if list != "" {
		list += "/"
	}
	backups := map[string]*Unit{}
	var out []Unit
	for oi, err := range store.List(ctx, list) {
		if err != nil {
			return nil, fmt.Errorf("cost: list bucket: %w", err)
		}
		obj := Object{Size: oi.Size, Class: oi.StorageClass}
		if obj.Class == "" {
			obj.Class = "STANDARD"
		}
		ref, err := layout.Ref(oi.Key)
		if err != nil {
			kind := "other"
			if strings.HasPrefix(oi.Key, layout.KindPrefix("wal")) {
				kind = "wal"
			}
			out = append(out, Unit{Backup: retention.Backup{Kind: kind, BackupID: oi.Key, CreatedAt: oi.LastModified}, Objects: []Object{obj}})
			continue
		}
		id := ref.Kind + "/" + ref.Tenant + "/" + ref.BackupID
		u := backups[id]
		if u == nil {
			u = &Unit{Backup: retention.Backup{Kind: ref.Kind, Tenant: ref.Tenant, BackupID: ref.BackupID, Verification: retention.NotVerified}, Planned: true}
			backups[id] = u
		}
		u.Objects = append(u.Objects, obj)
		u.Backup.Size += oi.Size
		if oi.LastModified.After(u.Backup.CreatedAt) {
			u.Backup.CreatedAt = oi.LastModified
		}
	}
	for _, id := range slices.Sorted(maps.Keys(backups)) {
		out = append(out, *backups[id])
	}
	return out, nil
}

// Stored is what is stored at now (the backups the policy keeps, every
// other object) and the stored total at up to HistorySamples times since
// the oldest unit (within HistoryWindow).
func Stored(units []Unit, p retention.Policy, now time.Time) ([]Item, []Sample) {
	if len(units) == 0 {
		return nil, nil
	}
	storedAt := func(t time.Time) map[int]bool {
		kept := map[int]bool{}
		var bs []retention.Backup
		idx := map[string]int{}
		for i, u := range units {
			if u.Backup.CreatedAt.After(t) {
				continue
			}
			if !u.Planned {
				kept[i] = true
				continue
			}
			bs = append(bs, u.Backup)
			idx[u.Backup.Kind+"/"+u.Backup.Tenant+"/"+u.Backup.BackupID] = i
		}
		for _, d := range p.Plan(bs, t).Decisions {
			if d.Action == retention.Keep {
				kept[idx[d.Kind+"/"+d.Tenant+"/"+d.BackupID]] = true
			}
		}
		return kept
	}
	type key struct{ tenant, kind, class string }
	agg := map[key]*Item{}
	for i := range storedAt(now) {
		u := units[i]
		for _, o := range u.Objects {
			k := key{u.Backup.Tenant, u.Backup.Kind, o.Class}
			if agg[k] == nil {
				agg[k] = &Item{Tenant: k.tenant, Kind: k.kind, StorageClass: k.class}
			}
			agg[k].Bytes += o.Size
			agg[k].Objects++
		}
	}
	items := make([]Item, 0, len(agg))
	for _, it := range agg {
		items = append(items, *it)
	}
	first := now
	for _, u := range units {
		if u.Backup.CreatedAt.Before(first) {
			first = u.Backup.CreatedAt
		}
	}
	if w := now.Add(-HistoryWindow); w.After(first) {
		first = w
	}
	step := max(now.Sub(first)/HistorySamples, time.Hour)
	var history []Sample
	for t := now; !t.Before(first); t = t.Add(-step) {
		var total int64
		for i := range storedAt(t) {
			for _, o := range units[i].Objects {
				total += o.Size
			}
		}
		history = append(history, Sample{At: t, Bytes: total})
	}
	slices.Reverse(history)
	return items, history
}
