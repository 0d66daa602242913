package verify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore/verify"
)

// A verified backup says where it was read and what was proven.
func TestAResultSaysWhatWasVerifiedWhere(t *testing.T) {
	var w strings.Builder
	verify.Result{BackupID: "b1", Parts: 2, ObjectBytes: 3 << 20, PlainBytes: 1024, Tables: make([]verify.TableResult, 4),
		Duration: 1234567 * time.Microsecond}.WriteText(&w, "offsite")
	require.Equal(t, "backup b1 verified in destination offsite: 2 parts, 3.0 MiB sealed, 1.0 KiB raw, 4 tables, in 1.235s\n", w.String())
}
