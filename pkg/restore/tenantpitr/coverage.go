package tenantpitr

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

// Coverage says whether base backups and WAL cover a moment.
type Coverage struct {
	At time.Time
	// Backup is the newest base backup that ended at or before At.
	Backup basebackup.Backup
	// NewestWAL is when the newest WAL file was archived.
	NewestWAL time.Time
	// Reason is why not, when not covered.
	Reason string
}

// Covered reports whether a tenant point-in-time restore to At can run.
func (c Coverage) Covered() bool { return c.Reason == "" }

// Cover checks that a base backup ended at or before at, that the WAL from
// it on has no gap, and that WAL archived after at exists (recovery stops at
// the first commit after the target, so that commit must be archived). A
// store or keyring failure is an error; a moment not covered is a Coverage
// with a Reason.
func Cover(ctx context.Context, cfg pitr.Config, at time.Time) (Coverage, error) {
	c := Coverage{At: at}
	found, err := basebackup.List(ctx, cfg.Store, cfg.Layout, cfg.Keys)
	if err != nil {
		return c, fmt.Errorf("list base backups: %w", err)
	}
	// As pkg/wal/pitr: a refused manifest may be the base backup the time
	// needs, and a refused manifest is news an operator must see.
	if err := found.Err(); err != nil {
		return c, fmt.Errorf("choose a base backup: %w", err)
	}
	b, err := pitr.Choose(found.Backups, pitr.Target{Time: at})
	if nb, ok := errors.AsType[*pitr.NoBackupError](err); ok {
		c.Reason = nb.Error()
		return c, nil
	}
	if err != nil {
		return c, err
	}
	c.Backup = b
	cont, err := wal.CheckContinuity(ctx, wal.Config{Store: cfg.Store, Layout: cfg.Layout},
		basebackup.WALBases([]basebackup.Backup{b}), wal.CheckOptions{})
	if err != nil {
		return c, fmt.Errorf("check the WAL archive: %w", err)
	}
	c.NewestWAL = cont.Newest.LastModified
	switch {
	case len(cont.Gaps) > 0:
		c.Reason = cont.Err().Error()
	case cont.Newest.Name == "" || !cont.Newest.LastModified.After(at):
		c.Reason = fmt.Sprintf("the newest WAL was archived at %s, not after %s: the WAL past that moment is not in the archive yet",
			cont.Newest.LastModified.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
	}
	return c, nil
}
