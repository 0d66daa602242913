package destinations_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore/destinations"
)

// A completed archive copy says what it copied and what was there.
func TestASyncReportSaysWhatWasCopied(t *testing.T) {
	var w strings.Builder
	destinations.SyncReport{Copied: 3, Bytes: 2048, Had: 5}.WriteText(&w, "offsite")
	require.Equal(t, "copied 3 objects (2.0 KiB) of the base backups and WAL archive to destination offsite; it held 5 already\n", w.String())
}
