package cost

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/retention"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// Sources of the stored bytes (Options.From).
const (
	FromCatalog = "catalog"
	FromBucket  = "bucket"
)

// ErrUnknownSource is an Options.From that is neither source.
var ErrUnknownSource = errors.New("want catalog or bucket")

// Options of Run.
type Options struct {
	// From is FromCatalog or FromBucket; "" is the catalog when Catalog is
	// set, else the bucket.
	From string
	// Catalog reads the backups the catalog recorded (nil: no catalog is
	// configured); Bucket opens the bucket to list. Each is called only
	// when it is the source.
	Catalog func(ctx context.Context) ([]coordinator.Backup, error)
	Bucket  func(ctx context.Context) (Lister, error)
	Layout  backup.Layout
	// Policy is the retention policy the stored backups are kept by;
	// Classes the storage class each catalog backup sits in.
	Policy  retention.Policy
	Classes Classes
	Prices  Prices
	Now     time.Time
}

// Run prices what the source says is stored: from the catalog, the
// backups it recorded that the retention policy keeps, WAL left out; from
// the bucket, every object listed. The report's notes say which.
func Run(ctx context.Context, o Options) (Report, error) {
	from := o.From
	if from == "" {
		from = FromBucket
		if o.Catalog != nil {
			from = FromCatalog
		}
	}
	var units []Unit
	var note string
	switch from {
	case FromCatalog:
		if o.Catalog == nil {
			return Report{}, errors.New("cost from the catalog: no catalog configured")
		}
		rows, err := o.Catalog(ctx)
		if err != nil {
			return Report{}, err
		}
		units = CatalogUnits(rows, o.Classes, o.Now)
		note = "from the catalog: backups the retention policy keeps today (what prune leaves); WAL is not in the catalog (--from bucket counts it)"
	case FromBucket:
		store, err := o.Bucket(ctx)
		if err != nil {
			return Report{}, err
		}
		if units, err = BucketUnits(ctx, store, o.Layout); err != nil {
			return Report{}, err
		}
		note = "from the bucket listing; the history is rebuilt from what is still stored, backups through the retention policy, WAL and other objects as if none had been deleted"
	default:
		return Report{}, fmt.Errorf("--from %q: %w", from, ErrUnknownSource)
	}
	items, history := Stored(units, o.Policy, o.Now)
	rep := Compute(from, items, history, o.Prices, o.Now)
	rep.Notes = append(rep.Notes, note)
	return rep, nil
}
