package stack_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup/replicate"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
)

// arca copy copies a backup or the archive: both, or neither, is refused
// before anything is opened; either goes to the destination named, and
// what was copied is said as its own report says it.
func TestCopyIsABackupOrTheArchive(t *testing.T) {
	cfg := fileConfig(t)
	var tell bytes.Buffer
	for _, req := range []stack.CopyRequest{{To: "dr"}, {ID: "b1", Named: true, Archive: true, To: "dr"},
		{Named: true, Archive: true, To: "dr"}, {Named: true, To: "dr"}} {
		_, err := stack.Copy(t.Context(), cfg, req, &tell)
		require.ErrorAs(t, err, new(stack.ConfigError))
		require.EqualError(t, err, "name a backup id, or --archive")
	}
	_, err := stack.Copy(t.Context(), cfg, stack.CopyRequest{Archive: true, To: "nowhere"}, &tell)
	require.ErrorAs(t, err, new(stack.ConfigError))
	require.ErrorContains(t, err, `--to "nowhere": not one of`)

	var got, want bytes.Buffer
	rep := destinations.SyncReport{Copied: 3}
	stack.Copied{To: "dr", Archive: &rep}.WriteText(&got)
	rep.WriteText(&want, "dr")
	require.Equal(t, want.String(), got.String())
	got.Reset()
	want.Reset()
	res := replicate.Result{}
	stack.Copied{To: "dr", Backup: &res}.WriteText(&got)
	res.WriteText(&want, "dr")
	require.Equal(t, want.String(), got.String())
}
