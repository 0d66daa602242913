package roundtrip_test

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/compress"
	"github.com/arcabackup/arca/services/exporter/internal/export"
)

// batchSetup adds two column-model tenants to the fixture: "empty", which
// owns its tenant row and nothing else, and "bulk", whose ~6 MB of barely
// compressible rows span several archive chunks and many parts.
const batchSetup = `
INSERT INTO public.tenants VALUES ('empty', NULL, 'Vazio'), ('bulk', NULL, 'Grande');
INSERT INTO public.organizations (id, "tenantId", name)
SELECT 1000000 + g, 'bulk', md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) || md5((g * 31)::text)
FROM generate_series(1, 40000) g;
`

// mutateBatch changes what a replace must put back, for three members.
const mutateBatch = mutateAcme + `
DELETE FROM public.organizations WHERE "tenantId" = 'bulk' AND id % 3 = 0;
UPDATE public.organizations SET name = 'changed' WHERE "tenantId" = 'bulk' AND id % 5 = 0;
UPDATE public.tenants SET name = 'renamed' WHERE id = 'empty';
`

// batchOut is one batch member's output: the plaintext archive as the lanes
// wrote it, and the compressed parts its writer cut.
type batchOut struct {
	plain  bytes.Buffer
	frames frames
	zw     *compress.Writer
}

// slowSink delays every write of a member's parts, so that the members'
// lanes run at different speeds and the reading goroutine waits on some.
type slowSink struct {
	*frames
	delay time.Duration
}

func (s slowSink) Write(b []byte) (int, error) {
	time.Sleep(s.delay)
	return s.frames.Write(b)
}

// batchExport exports ids as one batch, each member compressed into parts
// of target compressed bytes by its own writer, as the exporter's jobs do;
// the members whose index is in slow write their parts slowly.
func batchExport(t *testing.T, b *bundle, ids []string, target int64, slow map[int]bool) ([]export.Result, []*batchOut) {
	t.Helper()
	outs := make([]*batchOut, len(ids))
	members := make([]export.Member, len(ids))
	for i, id := range ids {
		o := &batchOut{}
		var sink compress.Sink = &o.frames
		if slow[i] {
			sink = slowSink{frames: &o.frames, delay: 2 * time.Millisecond}
		}
		// The encoder the exporter gives a batch member.
		zw, err := compress.NewWriter(sink, target, seal.DefaultLevel, compress.LowMemory...)
		require.NoError(t, err)
		o.zw = zw
		outs[i] = o
		members[i] = export.Member{TenantID: id, W: io.MultiWriter(&o.plain, zw)}
	}
	res := export.Batch(t.Context(), b.cfg, members)
	require.Len(t, res, len(ids))
	for i, o := range outs {
		require.NoError(t, res[i].Err, "tenant %q", ids[i])
		require.NoError(t, o.zw.Close())
	}
	return res, outs
}

// TestBatchMembersRestoreExactly: under a batch export whose members'
// archives are hashed, compressed and cut into parts concurrently (each on
// its lane, some lanes slow), every member's parts open into its archive
// and restore exactly what the tenant held, for every tenancy model, a
// tenant with no row but its own tenant row, and one whose rows span many
// parts. Two such batches, the slow members differing, write the same data
// files byte for byte.
func TestBatchMembersRestoreExactly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	runSQL(t, b.db, batchSetup)
	ids, err := tenancy.TenantIDs(t.Context(), b.db.URL, b.cfg.Tenancy)
	require.NoError(t, err)
	require.Contains(t, ids, "empty")
	require.Contains(t, ids, "bulk")
	seed := randomSeed(t)
	rng := rand.New(rand.NewPCG(seed, 17))
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	slow := map[int]bool{}
	for i := range ids {
		slow[i] = rng.IntN(2) == 0
	}
	before := everything(t, b.db.URL)
	const target = 64 << 10
	res, outs := batchExport(t, b, ids, target, slow)

	backups := make([]sealed, len(ids))
	for i, id := range ids {
		o := outs[i]
		var sizes []int64
		for k := range o.frames.parts {
			n, ok := o.zw.PlainSize(k)
			require.True(t, ok)
			sizes = append(sizes, n)
		}
		if len(o.frames.parts) == 0 {
			o.frames.parts = [][]byte{nil}
		}
		if id == "bulk" {
			require.Greater(t, len(o.frames.parts), 10, "bulk's rows span many parts")
			require.Greater(t, o.plain.Len(), 4<<20, "bulk's archive spans chunks")
		}
		if id == "empty" {
			for _, f := range res[i].Manifest.Files {
				if f.CSV && f.Rows > 0 {
					require.Contains(t, f.Name, "tenants", "empty owns its tenant row only")
				}
			}
		}
		sl, err := seal.NewSealer(seal.Precompressed())
		require.NoError(t, err)
		s := sealEach(t, sl, b.kek, "batch-"+string(rune('a'+i)), "tenant", id, o.plain.Bytes(), o.frames.parts, sizes)
		s.m.Export, err = json.Marshal(res[i].Manifest)
		require.NoError(t, err)
		require.NoError(t, s.m.Validate())
		s.am = res[i].Manifest
		s.fp = selectionFingerprints(t, b.db.URL, s.am)
		backups[i] = s
	}

	// The same batch again, other members slow: the same data files.
	for i := range slow {
		slow[i] = !slow[i]
	}
	again, _ := batchExport(t, b, ids, target, slow)
	for i := range ids {
		require.Equal(t, csvFiles(res[i].Manifest), csvFiles(again[i].Manifest), "tenant %q", ids[i])
	}

	runSQL(t, b.db, mutateBatch)
	require.NotEqual(t, before, everything(t, b.db.URL))
	for i, id := range ids {
		_, err := restore.Tenant(t.Context(), b.db.URL, backups[i].open(), backups[i].m, b.keys, replaceOpts())
		require.NoError(t, err, "restore %q", id)
		require.Equal(t, backups[i].fp, selectionFingerprints(t, b.db.URL, backups[i].am), "tenant %q", id)
	}
	require.Equal(t, before, everything(t, b.db.URL), "every member restored exactly, nothing else changed")
}

// csvFiles are an archive's data files (pg_dump's schema files carry a
// random key each run).
func csvFiles(m archive.Manifest) []archive.File {
	return slices.DeleteFunc(slices.Clone(m.Files), func(f archive.File) bool { return !f.CSV })
}
