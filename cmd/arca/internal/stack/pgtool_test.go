package stack_test

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cost"
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

// A price table that does not load and a source cost does not know are
// the operator's choices refused (ConfigError, the CLI's exit 2).
func TestCostRefusesABadPriceTableAndSource(t *testing.T) {
	cfg := fileConfig(t)
	now := time.Now()
	_, err := stack.Cost(t.Context(), cfg, now, "", filepath.Join(t.TempDir(), "missing.yaml"))
	require.ErrorAs(t, err, new(stack.ConfigError))
	_, err = stack.Cost(t.Context(), cfg, now, "abacus", "")
	require.ErrorAs(t, err, new(stack.ConfigError))
	require.ErrorIs(t, err, cost.ErrUnknownSource)
}

// wal-check --slot's retained-WAL threshold is a size; another word is
// refused before the primary is asked.
func TestCheckStreamRefusesAThresholdThatIsNotASize(t *testing.T) {
	cfg := fileConfig(t)
	_, err := stack.CheckStream(t.Context(), cfg, stack.StreamCheck{Slot: "arca", Conn: "postgres://127.0.0.1:1/x", MaxRetained: "lots"}, nil)
	require.ErrorAs(t, err, new(stack.ConfigError))
	require.ErrorContains(t, err, `--max-slot-retained: size "lots"`)
}
