package receive_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/wal/receive"
)

func TestHealthPrintsTheSlotAndTheStreamInOneLine(t *testing.T) {
	var w strings.Builder
	receive.Health{Slot: "arca", Active: true, Retained: 4096, LagBytes: 16, FlushLag: 1500 * time.Microsecond}.WriteText(&w)
	require.Equal(t, "WAL stream: slot arca active true, retains 4096 bytes, 16 bytes not in the bucket, flush lag 2ms\n", w.String())
}
