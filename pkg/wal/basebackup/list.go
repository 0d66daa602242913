package basebackup

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/wal"
)

// List returns the committed base backups (those with a manifest), oldest
// stop time first.
func List(ctx context.Context, store objstore.Store, layout backup.Layout) ([]Backup, error) {
	prefix := layout.KindPrefix("base")
	var out []Backup
	for info, err := range store.List(ctx, prefix) {
		if err != nil {
			return nil, fmt.Errorf("list base backups %s: %w", prefix, err)
		}
		if !backup.IsManifest(info.Key) {
			continue
		}
		b, err := read(ctx, store, info.Key)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Backup) int { return a.Facts.StopTime.Compare(b.Facts.StopTime) })
	return out, nil
}

func read(ctx context.Context, store objstore.Store, key string) (Backup, error) {
	rc, err := store.Get(ctx, key, objstore.Range{})
	if err != nil {
		return Backup{}, fmt.Errorf("read base backup manifest %s: %w", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return Backup{}, fmt.Errorf("read base backup manifest %s: %w", key, err)
	}
	m, err := backup.Parse(data)
	if err != nil {
		return Backup{}, err
	}
	if m.Kind != "base" {
		return Backup{}, fmt.Errorf("manifest %s: kind %q, want base", key, m.Kind)
	}
	var f Facts
	if err := json.Unmarshal(m.Export, &f); err != nil {
		return Backup{}, fmt.Errorf("manifest %s: export: %w", key, err)
	}
	return Backup{Manifest: m, Facts: f}, nil
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
