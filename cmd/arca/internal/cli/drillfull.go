package cli

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore/drill"
	"github.com/arcabackup/arca/pkg/seal"
)

type backupManifest = backup.Manifest

// drillFull restores the newest full dump into a scratch database of the
// source's cluster (drill.Full); nil when there is none yet.
func (a *app) drillFull(ctx context.Context, store objstore.Store, keys seal.KeyLookup) (*drill.FullReport, error) {
	bin, err := a.pgTool("pg_restore")
	if err != nil {
		return nil, fmt.Errorf("drill full: %w", err)
	}
	return drill.Full(ctx, drill.FullConfig{Repo: a.repo(store, keys), AdminURL: a.cfg.Source.URL, PGRestore: bin})
}

// pgTool is a PostgreSQL tool from source.pg_bin_dir, else from PATH.
func (a *app) pgTool(name string) (string, error) {
	if a.cfg.Source.PGBinDir != "" {
		return filepath.Join(a.cfg.Source.PGBinDir, name), nil
	}
	return exec.LookPath(name)
}
