package cli

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore/drill"
	"github.com/arcabackup/arca/pkg/seal"
)

// drillFull restores the newest full dump into a scratch database of the
// source's cluster (drill.Full); nil when there is none yet.
func (a *app) drillFull(ctx context.Context, store objstore.Store, keys seal.KeyLookup) (*drill.FullReport, error) {
	bin, err := a.pgTool("pg_restore")
	if err != nil {
		return nil, fmt.Errorf("drill full: %w", err)
	}
	return drill.Full(ctx, drill.FullConfig{Repo: a.repo(store, keys), AdminURL: a.cfg.Source.URL, PGRestore: bin})
}

// pgBin is a PostgreSQL tool from source.pg_bin_dir, else its bare name
// (looked up on the PATH when it runs).
func (a *app) pgBin(name string) string {
	if a.cfg.Source.PGBinDir != "" {
		return filepath.Join(a.cfg.Source.PGBinDir, name)
	}
	return name
}

// pgTool is pgBin found on the PATH now.
func (a *app) pgTool(name string) (string, error) {
	if bin := a.pgBin(name); bin != name {
		return bin, nil
	}
	return exec.LookPath(name)
}
