package cli

import (
	"context"
	"fmt"
	"os/exec"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
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

// pgTool is pgBin found on the PATH now.
func (a *app) pgTool(name string) (string, error) {
	if bin := stack.PGBin(a.cfg, name); bin != name {
		return bin, nil
	}
	return exec.LookPath(name)
}
