package stack_test

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

// A tool is source.pg_bin_dir's when it is set, else the PATH's now.
func TestPGToolIsThePGBinDirsElseThePATHs(t *testing.T) {
	cfg := fileConfig(t)
	cfg.Source.PGBinDir = "/opt/pg/bin"
	bin, err := stack.PGTool(cfg, "pg_restore")
	require.NoError(t, err)
	require.Equal(t, filepath.Join("/opt/pg/bin", "pg_restore"), bin)
	cfg.Source.PGBinDir = ""
	_, err = stack.PGTool(cfg, "arca-no-such-tool")
	require.ErrorIs(t, err, exec.ErrNotFound)
}

// cost reads the catalog only when one is configured or derived from the
// source; the bucket always.
func TestCostOptionsOfferTheCatalogWhenThereIsOne(t *testing.T) {
	cfg := fileConfig(t)
	now := time.Now()
	cfg.Source.URL = ""
	o := stack.CostOptions(cfg, now)
	require.NotNil(t, o.Bucket)
	require.Equal(t, "p", o.Layout.Prefix)
	cfg.Catalog.URL = "postgres://127.0.0.1:1/catalog"
	require.NotNil(t, stack.CostOptions(cfg, now).Catalog)
}
