package cli

import (
	"context"

	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
)

// walPruner is basebackup.WALPruner, as prune and the coordinator wire it.
type walPruner struct{ cfg wal.Config }

func (p walPruner) PruneWAL(ctx context.Context, kept []retention.Backup, dryRun bool) (prune.WALReport, error) {
	return basebackup.WALPruner{Config: p.cfg}.PruneWAL(ctx, kept, dryRun)
}
