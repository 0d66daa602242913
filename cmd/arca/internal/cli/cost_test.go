package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cost"
	"github.com/arcabackup/arca/pkg/messages"
)

// arca cost over real backups made by the pipeline: from the bucket
// listing every object counts, in the class it was stored in (tenant
// exports STANDARD_IA, manifests STANDARD); from the catalog (rebuilt from
// the manifests) each backup counts its sealed artifact, so a tenant's
// catalog bytes are its data objects' bytes in the bucket.
func TestCostFromTheBucketAndFromTheCatalog(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "fs")
	for _, tenant := range []string{"home-1", "home-2"} {
		e.backup(t, messages.KindTenant, tenant)
	}
	e.backup(t, messages.KindFull, "")

	report := func(args ...string) cost.Report {
		t.Helper()
		out, errOut, code := e.arca(t, append([]string{"cost", "--json"}, args...)...)
		require.Equal(t, 0, code, errOut)
		var r cost.Report
		require.NoError(t, json.Unmarshal([]byte(out), &r), out)
		return r
	}
	bucket := report("--from", "bucket")
	require.Equal(t, "bucket", bucket.Source)
	require.Empty(t, bucket.Unpriced)
	data := map[string]int64{} // tenant → bytes of its data.arca objects
	for oi, err := range e.store.List(t.Context(), "") {
		require.NoError(t, err)
		if strings.HasSuffix(oi.Key, "/data.arca") && strings.Contains(oi.Key, "/tenants/") {
			data[strings.Split(strings.SplitAfter(oi.Key, "/tenants/")[1], "/")[0]] += oi.Size
		}
	}
	require.Len(t, data, 2)
	classes := map[string]bool{}
	for _, l := range bucket.Lines {
		if l.Kind == "tenant" {
			classes[l.StorageClass] = true
		}
	}
	require.Equal(t, map[string]bool{"STANDARD_IA": true, "STANDARD": true}, classes, "sealed data in STANDARD_IA, manifests in STANDARD")
	for tenant, n := range data {
		require.Greater(t, bucket.ByTenant[tenant].Bytes, n, "the bucket counts the manifests too")
	}
	require.Positive(t, bucket.ByKind["full"].Bytes)
	require.InDelta(t, bucket.Total.Monthly, bucket.ByKind["tenant"].Monthly+bucket.ByKind["full"].Monthly+bucket.ByKind["other"].Monthly+bucket.ByKind["wal"].Monthly, 1e-12)

	_, errOut, code := e.arca(t, "catalog", "rebuild")
	require.Equal(t, 0, code, errOut)
	cat := report("--from", "catalog")
	require.Equal(t, "catalog", cat.Source)
	for tenant, n := range data {
		require.Equal(t, n, cat.ByTenant[tenant].Bytes, tenant)
	}
	for _, l := range cat.Lines {
		want := map[string]string{"tenant": "STANDARD_IA", "full": "GLACIER"}[l.Kind]
		require.Equal(t, want, l.StorageClass, "%+v", l)
		require.Equal(t, 1, l.Objects, "one backup each")
	}
	require.InDelta(t, float64(cat.ByKind["tenant"].Bytes)/cost.GiB*0.0125, cat.ByKind["tenant"].Monthly, 1e-15)
	require.InDelta(t, float64(cat.ByKind["full"].Bytes)/cost.GiB*0.004, cat.ByKind["full"].Monthly, 1e-15, "the plan's Glacier price")

	out, _, code := e.arca(t, "cost", "--from", "catalog")
	require.Equal(t, 0, code)
	require.Contains(t, out, "total:")
	require.Contains(t, out, "in 30 days:")
}

// A source or price file cost cannot use is a usage error (exit 2).
func TestCostRefusesAnUnknownSourceAndAMissingPriceFile(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	_, errOut, code := e.arca(t, "cost", "--from", "ledger")
	require.Equal(t, 2, code, errOut)
	require.Equal(t, `arca: --from "ledger": want catalog or bucket`, strings.TrimSpace(errOut))
	_, errOut, code = e.arca(t, "cost", "--from", "bucket", "--prices", "/nonexistent/prices.yaml")
	require.Equal(t, 2, code, errOut)
	out, errOut, code := e.arca(t, "--json", "cost", "--from", "bucket")
	require.Equal(t, 0, code, errOut)
	var r cost.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	require.Equal(t, "bucket", r.Source)
	require.Zero(t, r.Total.Bytes, "an empty bucket")
}
