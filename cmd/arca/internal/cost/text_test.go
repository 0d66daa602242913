package cost_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cost"
)

func TestAReportPrintsItsLinesTotalsAndProjection(t *testing.T) {
	rep := cost.Report{Source: "bucket", Currency: "USD", Prices: map[string]cost.Price{"STANDARD": {PerGBMonth: 0.023}},
		Lines:   []cost.Line{{Item: cost.Item{Kind: "full", StorageClass: "STANDARD", Objects: 2, Bytes: 1 << 30}, Monthly: 0.023}},
		ByClass: map[string]cost.Total{"STANDARD": {Bytes: 1 << 30, Monthly: 0.023}}, Total: cost.Total{Bytes: 1 << 30, Monthly: 0.023},
		Projection: cost.Projection{Samples: 1}, Notes: []string{"no catalog"}}
	var w strings.Builder
	rep.WriteText(&w)
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	require.Regexp(t, `^TENANT\s+KIND\s+CLASS\s+OBJECTS\s+STORED\s+USD/MONTH$`, lines[0])
	require.Regexp(t, `^-\s+full\s+STANDARD\s+2\s+1\.0 GiB\s+0\.0230$`, lines[1])
	require.Equal(t, "STANDARD                1.0 GiB  0.0230 USD/month at 0.0230 per GB", lines[2])
	require.Equal(t, "total: 1.0 GiB, 0.02 USD/month (source: bucket)", lines[3])
	require.Equal(t, "in 30 days: no growth known yet (history: 1 sample(s))", lines[4])
	require.Equal(t, "note: no catalog", lines[5])
}

// A class with no price is a warning a line, naming the flag that prices
// it; none, nothing.
func TestUnpricedClassesAreALineEach(t *testing.T) {
	var w bytes.Buffer
	cost.Report{}.WriteUnpriced(&w)
	require.Empty(t, w.String())
	cost.Report{Unpriced: []string{"DEEP_ARCHIVE", "GLACIER_IR"}}.WriteUnpriced(&w)
	require.Equal(t, "arca: no price for storage class DEEP_ARCHIVE: counted as 0 (--prices)\n"+
		"arca: no price for storage class GLACIER_IR: counted as 0 (--prices)\n", w.String())
}
