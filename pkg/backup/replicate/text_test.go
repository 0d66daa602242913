package replicate_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/backup/replicate"
	"github.com/arcabackup/arca/pkg/restore/verify"
)

// A completed copy says where it came from and what its verification read.
func TestAResultSaysWhereTheCopyCameFrom(t *testing.T) {
	var w strings.Builder
	replicate.Result{From: "primary", Manifest: backup.Manifest{BackupID: "b1"}, Verified: verify.Result{ObjectBytes: 2048}}.WriteText(&w, "offsite")
	require.Equal(t, "copied backup b1 from destination primary to offsite and verified it there (2.0 KiB)\n", w.String())
}
