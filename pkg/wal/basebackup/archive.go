package basebackup

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/wal"
)

// CheckWAL checks the WAL archive after every committed base backup: no
// gap from each one's start segment on, and the newest segment younger
// than opts.MaxAge. A refused base manifest is an error: the backup it
// hides may be the one whose WAL is missing. The Continuity's Err is the
// gap or staleness found.
func CheckWAL(ctx context.Context, cfg wal.Config, opts wal.CheckOptions) (wal.Continuity, error) {
	found, err := List(ctx, cfg.Store, cfg.Layout, cfg.Keys)
	if err != nil {
		return wal.Continuity{}, err
	}
	if err := found.Err(); err != nil {
		return wal.Continuity{}, fmt.Errorf("check WAL: %w", err)
	}
	return wal.CheckContinuity(ctx, cfg, WALBases(found.Backups), opts)
}

// WALPruner is retention's prune.WALPruner over the archive: it deletes
// the segments older than the start segment of the oldest kept base
// backup. History files are always kept.
type WALPruner struct{ Config wal.Config }

var _ prune.WALPruner = WALPruner{}

// PruneWAL deletes (with dryRun, only counts) the segments no kept base
// backup needs. A refused base manifest leaves the WAL alone: it may be a
// kept backup whose WAL is needed.
func (p WALPruner) PruneWAL(ctx context.Context, kept []retention.Backup, dryRun bool) (prune.WALReport, error) {
	found, err := List(ctx, p.Config.Store, p.Config.Layout, p.Config.Keys)
	if err != nil {
		return prune.WALReport{}, err
	}
	if err := found.Err(); err != nil {
		return prune.WALReport{}, fmt.Errorf("WAL left alone: %w", err)
	}
	keep := map[string]bool{}
	for _, b := range kept {
		keep[b.BackupID] = true
	}
	var bases []wal.Base
	for _, b := range found.Backups {
		if keep[b.Manifest.BackupID] {
			bases = append(bases, b.WALBase())
		}
	}
	expired, err := wal.Expired(ctx, p.Config, bases)
	if err != nil {
		return prune.WALReport{}, err
	}
	var rep prune.WALReport
	for _, a := range expired { // sizes as listed: no HEAD per segment
		if !dryRun {
			err := p.Config.Store.Delete(ctx, a.Key)
			if errors.Is(err, objstore.ErrNotFound) {
				continue // gone since the listing
			}
			if err != nil {
				return rep, fmt.Errorf("prune WAL %s: %w", a.Key, err)
			}
		}
		rep.Segments++
		rep.Bytes += a.Size
	}
	return rep, nil
}
