package export_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/export"
)

// read reads an archive back, verified against its manifest.
func read(t *testing.T, m archive.Manifest, b []byte) exported {
	t.Helper()
	r := archive.NewReader(bytes.NewReader(b), archive.WithManifest(m))
	files := map[string][]byte{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		files[e.Name], err = io.ReadAll(e)
		require.NoError(t, err)
	}
	back, ok := r.Manifest()
	require.True(t, ok)
	require.Equal(t, m.Files, back.Files)
	return exported{manifest: m, files: files}
}

// requireSameArchive: a batch member's archive is the tenant's own export:
// the same manifest (but for the snapshot and the time), the same files in
// the same order, byte for byte but for the rows' order in each CSV (scan
// order: the same rows, each as often).
func requireSameArchive(t *testing.T, want, got exported, msg string) {
	t.Helper()
	wm, gm := want.manifest, got.manifest
	require.Equal(t, wm.Tenant, gm.Tenant, msg)
	require.Equal(t, wm.Tables, gm.Tables, msg)
	require.Equal(t, wm.Kind, gm.Kind, msg)
	require.Equal(t, wm.FormatVersion, gm.FormatVersion, msg)
	require.Equal(t, wm.Source, gm.Source, msg)
	require.Len(t, gm.Files, len(wm.Files), msg)
	for i, f := range wm.Files {
		g := gm.Files[i]
		require.Equal(t, f.Name, g.Name, msg)
		require.Equal(t, f.CSV, g.CSV, msg+" "+f.Name)
		require.Equal(t, f.Rows, g.Rows, msg+" "+f.Name)
		require.Equal(t, f.Size, g.Size, msg+" "+f.Name)
		if f.CSV {
			require.Equal(t, records(want.files[f.Name]), records(got.files[f.Name]), msg+" "+f.Name)
		} else {
			require.Equal(t, unrestricted(want.files[f.Name]), unrestricted(got.files[f.Name]), msg+" "+f.Name)
		}
	}
}

// TestBatchExportEqualsEachTenantsOwnExport is the batch mode's property:
// for random batches of the fixture's tenants (random members, random
// order: column-model tenants, schema tenants, tenants owning rows through
// foreign-key chains, self-references and a cycle, reference rows shared
// between tenants, an id and a schema name that need quoting), each
// member's archive holds exactly what the tenant's own export holds.
func TestBatchExportEqualsEachTenantsOwnExport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids, err := tenancy.TenantIDs(t.Context(), b.db.URL, b.cfg.Tenancy)
	require.NoError(t, err)
	own := map[string]exported{}
	for _, id := range ids {
		own[id] = b.export(t, id)
	}
	rng := rand.New(rand.NewPCG(17, uint64(len(ids))))
	for round := range 6 {
		batch := slices.Clone(ids)
		rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
		batch = batch[:1+rng.IntN(len(batch))]
		bufs := make([]bytes.Buffer, len(batch))
		members := make([]export.Member, len(batch))
		for i, id := range batch {
			members[i] = export.Member{TenantID: id, W: &bufs[i]}
		}
		res := export.Batch(t.Context(), b.cfg, members)
		require.Len(t, res, len(batch))
		for i, id := range batch {
			require.NoError(t, res[i].Err, "round %d, batch %q, tenant %q", round, batch, id)
			got := read(t, res[i].Manifest, bufs[i].Bytes())
			requireSameArchive(t, own[id], got, "batch "+string(rune('0'+round))+", tenant "+id)
		}
	}
}

// restrictKey is the random key pg_dump puts in every dump since the
// \restrict security fix: two dumps of the same schema differ there only.
var restrictKey = regexp.MustCompile(`(?m)^\\(un)?restrict [A-Za-z0-9]+$`)

func unrestricted(b []byte) string {
	return restrictKey.ReplaceAllString(string(b), `\${1}restrict KEY`)
}

// failingWriter fails from the first write on.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("staging refused the part") }

// TestBatchMemberFailsAlone: an unknown tenant and a tenant whose writer
// fails each get their own error; the other members' archives are whole.
func TestBatchMemberFailsAlone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var beta, acme bytes.Buffer
	res := export.Batch(t.Context(), b.cfg, []export.Member{
		{TenantID: "beta", W: &beta},
		{TenantID: "nobody", W: io.Discard},
		{TenantID: "acme2", W: failingWriter{}},
		{TenantID: "acme", W: &acme},
	})
	require.ErrorIs(t, res[1].Err, tenancy.ErrUnknownTenant)
	require.ErrorContains(t, res[2].Err, "staging refused the part")
	require.NoError(t, res[0].Err)
	require.NoError(t, res[3].Err)
	requireSameArchive(t, b.export(t, "beta"), read(t, res[0].Manifest, beta.Bytes()), "beta")
	requireSameArchive(t, b.export(t, "acme"), read(t, res[3].Manifest, acme.Bytes()), "acme")
}

// meet is one of two writers whose first writes wait for each other: they
// complete only if the two members' archives are written at once.
type meet struct {
	w           io.Writer
	mine, other chan struct{}
	once        sync.Once
}

func (m *meet) Write(p []byte) (int, error) {
	m.once.Do(func() {
		close(m.mine)
		<-m.other
	})
	return m.w.Write(p)
}

// TestBatchMembersAreWrittenConcurrently: each member's archive is written
// on its own goroutine, not on the one reading the source: two members
// whose writers each wait for the other's first write both finish (one
// goroutine writing every archive never returns from the first; both are
// column-model tenants, so of one group), and their archives are the
// tenants' own.
func TestBatchMembersAreWrittenConcurrently(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// gamma: a second column-model tenant, of beta's group.
	_, err := b.db.Pool.Exec(t.Context(), `INSERT INTO public.tenants VALUES ('gamma', NULL, 'Gama')`)
	require.NoError(t, err)
	var beta, acme, gamma bytes.Buffer
	x, y := make(chan struct{}), make(chan struct{})
	res := export.Batch(t.Context(), b.cfg, []export.Member{
		{TenantID: "beta", W: &meet{w: &beta, mine: x, other: y}},
		{TenantID: "acme", W: &acme},
		{TenantID: "gamma", W: &meet{w: &gamma, mine: y, other: x}},
	})
	for i := range res {
		require.NoError(t, res[i].Err)
	}
	requireSameArchive(t, b.export(t, "beta"), read(t, res[0].Manifest, beta.Bytes()), "beta")
	requireSameArchive(t, b.export(t, "acme"), read(t, res[1].Manifest, acme.Bytes()), "acme")
	requireSameArchive(t, b.export(t, "gamma"), read(t, res[2].Manifest, gamma.Bytes()), "gamma")
}
