package basebackup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/wal"
)

// Listing is what List found.
type Listing struct {
	Backups []Backup // oldest stop time first
	// Refused are the base backup manifests that were refused (each a
	// *backup.MetadataError naming its key) or could not be read.
	Refused []error
}

// Err joins the refusals: nil when every manifest was read.
func (l Listing) Err() error { return errors.Join(l.Refused...) }

// List returns the committed base backups (those with an authentic
// manifest), oldest stop time first. A manifest that is refused is
// skipped and reported in Refused; the error is for a listing that failed.
func List(ctx context.Context, store objstore.Store, layout backup.Layout, keys seal.KeyLookup) (Listing, error) {
	repo := backup.Repository{Store: store, Layout: layout, Keys: keys}
	found, err := repo.List(ctx, layout.KindPrefix("base"))
	if err != nil {
		return Listing{}, fmt.Errorf("list base backups: %w", err)
	}
	out := Listing{Refused: found.Refused}
	for _, e := range found.Backups {
		var f Facts
		if err := json.Unmarshal(e.Manifest.Export, &f); err != nil {
			out.Refused = append(out.Refused, fmt.Errorf("manifest %s: export: %w", e.Key, err))
			continue
		}
		out.Backups = append(out.Backups, Backup{Manifest: e.Manifest, Facts: f})
	}
	slices.SortFunc(out.Backups, func(a, b Backup) int { return a.Facts.StopTime.Compare(b.Facts.StopTime) })
	return out, nil
}

// WALBase is what the WAL checks and retention need of the backup.
func (b Backup) WALBase() wal.Base {
	return wal.Base{ID: b.Manifest.BackupID, StartWAL: b.Facts.StartWAL}
}

// WALBases converts a list for wal.CheckContinuity and wal.Expired.
func WALBases(bs []Backup) []wal.Base {
	out := make([]wal.Base, len(bs))
	for i, b := range bs {
		out[i] = b.WALBase()
	}
	return out
}
