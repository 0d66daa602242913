package basebackup

import (
	"context"

	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal"
)

// KeySource opens the keyring as it is now; each scheduled run reads it
// anew, so a rotation since start is seen.
type KeySource interface {
	Keyring(ctx context.Context) (*keyring.Keyring, error)
}

// Scheduled is what the coordinator runs of this package: the scheduled
// base backups and the WAL pruning of its retention runs.
type Scheduled struct {
	// Config is every base backup's configuration; Keys and Label are set
	// at each run.
	Config Config
	Keys   KeySource
}

var _ prune.WALPruner = Scheduled{}

// BaseBackup takes a base backup labelled label.
func (s Scheduled) BaseBackup(ctx context.Context, label string) error {
	keys, err := s.Keys.Keyring(ctx)
	if err != nil {
		return err
	}
	cfg := s.Config
	cfg.Keys, cfg.Label = keys, label
	_, err = Take(ctx, cfg)
	return err
}

// PruneWAL is WALPruner.PruneWAL with the keyring as it is now.
func (s Scheduled) PruneWAL(ctx context.Context, kept []retention.Backup, dryRun bool) (prune.WALReport, error) {
	keys, err := s.Keys.Keyring(ctx)
	if err != nil {
		return prune.WALReport{}, err
	}
	return WALPruner{Config: wal.Config{Store: s.Config.Store, Layout: s.Config.Layout, Keys: keys}}.PruneWAL(ctx, kept, dryRun)
}
