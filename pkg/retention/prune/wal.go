package prune

import (
	"context"

	"github.com/arcabackup/arca/pkg/retention"
)

// WALPruner deletes the archived WAL that no kept base backup needs; the
// WAL archiver provides it. Run calls it last, only when base backups
// remain, with every base backup still in the bucket after the run
// (those the plan kept and those it could not delete).
type WALPruner interface {
	// PruneWAL deletes (with dryRun, only counts) the WAL segments older
	// than what the oldest of kept needs to be restored and rolled forward.
	PruneWAL(ctx context.Context, kept []retention.Backup, dryRun bool) (WALReport, error)
}

// WALReport is what a WALPruner removed, or would remove.
type WALReport struct {
	Segments int   `json:"segments"`
	Bytes    int64 `json:"bytes"`
}
