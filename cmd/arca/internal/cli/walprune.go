package cli

import (
	"context"
	"fmt"

	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
)

// walPruner lets prune delete the archived WAL no kept base backup needs:
// segments older than the start segment of the oldest kept base backup.
// History files are always kept.
type walPruner struct{ cfg wal.Config }

func (p walPruner) PruneWAL(ctx context.Context, kept []retention.Backup, dryRun bool) (prune.WALReport, error) {
	found, err := basebackup.List(ctx, p.cfg.Store, p.cfg.Layout, p.cfg.Keys)
	if err != nil {
		return prune.WALReport{}, err
	}
	// A refused base manifest may be a kept backup whose WAL is needed.
	if err := found.Err(); err != nil {
		return prune.WALReport{}, fmt.Errorf("WAL left alone: %w", err)
	}
	all := found.Backups
	keep := map[string]bool{}
	for _, b := range kept {
		keep[b.BackupID] = true
	}
	var bases []wal.Base
	for _, b := range all {
		if keep[b.Manifest.BackupID] {
			bases = append(bases, b.WALBase())
		}
	}
	keys, err := wal.Expired(ctx, p.cfg, bases)
	if err != nil {
		return prune.WALReport{}, err
	}
	var rep prune.WALReport
	for _, k := range keys {
		info, err := p.cfg.Store.Stat(ctx, k)
		if err != nil {
			continue
		}
		if !dryRun {
			if err := p.cfg.Store.Delete(ctx, k); err != nil {
				return rep, err
			}
		}
		rep.Segments++
		rep.Bytes += info.Size
	}
	return rep, nil
}
