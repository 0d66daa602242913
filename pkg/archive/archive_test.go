package archive_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
)

const tableCSV = "id,note\n1,plain\n2,\"line one\nline two, with comma\"\n3,\"say \"\"hi\"\"\"\n4,\n5,\"\"\n"

// build writes a small archive with chunk size 7 so that every file spans
// several chunks.
func build(t testing.TB) ([]byte, archive.Manifest) {
	t.Helper()
	var buf bytes.Buffer
	w := archive.NewWriter(&buf, archive.WithChunkSize(7))
	_, err := w.WriteFile(archive.SchemaFile, strings.NewReader("CREATE TABLE x ();\n"), false)
	require.NoError(t, err)
	name := archive.DataFileName(1, "tenant a", "notes")
	f, err := w.WriteFile(name, strings.NewReader(tableCSV), true)
	require.NoError(t, err)
	require.EqualValues(t, 5, f.Rows)
	empty := archive.DataFileName(2, "public", "empty")
	fw, err := w.Create(empty, true)
	require.NoError(t, err)
	require.NoError(t, fw.WriteChunk([]byte("id\n")))
	_, err = fw.Close()
	require.NoError(t, err)
	m, err := w.Close(archive.Manifest{
		ToolVersion: "test", Kind: archive.KindTenant, Tenant: archive.Tenant{ID: "a"},
		Snapshot: archive.Snapshot{ID: "s", Time: time.Unix(1, 0).UTC(), WALLSN: "0/1"},
		Tables: []archive.Table{
			{Schema: "tenant a", Name: "notes", Role: "schema-table", File: name, Rows: 5},
			{Schema: "public", Name: "empty", Role: "tenant-owned", File: empty, Rows: 0},
		},
	})
	require.NoError(t, err)
	return buf.Bytes(), m
}

func readAll(t *testing.T, r *archive.Reader) (map[string]string, error) {
	t.Helper()
	got := map[string]string{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		b, err := io.ReadAll(e)
		if err != nil {
			return got, err
		}
		got[e.Name] = string(b)
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	data, m := build(t)
	for _, opts := range [][]archive.ReaderOption{nil, {archive.WithManifest(m)}} {
		r := archive.NewReader(bytes.NewReader(data), opts...)
		got, err := readAll(t, r)
		require.NoError(t, err)
		require.Equal(t, tableCSV, got[m.Tables[0].File])
		require.Equal(t, "id\n", got[m.Tables[1].File])
		require.Equal(t, "CREATE TABLE x ();\n", got[archive.SchemaFile])
		back, ok := r.Manifest()
		require.True(t, ok)
		require.Equal(t, m.Files, back.Files)
		require.Greater(t, back.Files[1].Chunks, 1)
	}
}

// TestManifestIsLastEntry lets a tool that only scans headers find the
// manifest at the end.
func TestManifestIsLastEntry(t *testing.T) {
	t.Parallel()
	data, _ := build(t)
	require.Contains(t, string(data[len(data)-4096:]), `"format_version": 1`)
}

func tamper(data []byte, from, to string) []byte {
	return bytes.Replace(data, []byte(from), []byte(to), 1)
}

func TestReaderDetectsTamperedFile(t *testing.T) {
	t.Parallel()
	data, m := build(t)
	bad := tamper(data, "CREATE", "CREATF") // same size, different content
	for _, opts := range [][]archive.ReaderOption{nil, {archive.WithManifest(m)}} {
		_, err := readAll(t, archive.NewReader(bytes.NewReader(bad), opts...))
		require.ErrorIs(t, err, archive.ErrCorrupt)
		require.Contains(t, err.Error(), "sha256")
	}
}

// TestReaderDetectsWrongRowCount changes the manifest's row count and the
// file's hash to match a CSV whose row count differs.
func TestReaderDetectsWrongRowCount(t *testing.T) {
	t.Parallel()
	data, m := build(t)
	m.Files[1].Rows = 6
	_, err := readAll(t, archive.NewReader(bytes.NewReader(data), archive.WithManifest(m)))
	require.ErrorIs(t, err, archive.ErrCorrupt)
	require.Contains(t, err.Error(), "rows")
}

// The archive's own manifest (inside the sealed data) names its tenant: an
// export of another tenant does not read as the expected one, even with
// the same files.
func TestReaderRefusesAnotherTenantsExport(t *testing.T) {
	t.Parallel()
	data, m := build(t)
	m.Tenant.ID += "-other"
	_, err := readAll(t, archive.NewReader(bytes.NewReader(data), archive.WithManifest(m)))
	require.ErrorIs(t, err, archive.ErrCorrupt)
	require.Contains(t, err.Error(), "expected tenant")
}

func TestReaderRefusesMissingManifest(t *testing.T) {
	t.Parallel()
	data, _ := build(t)
	i := bytes.LastIndex(data, []byte("manifest.json"))
	_, err := readAll(t, archive.NewReader(bytes.NewReader(data[:i-1])))
	require.ErrorIs(t, err, archive.ErrCorrupt)
}

func TestWrongTableRowsInvalidManifest(t *testing.T) {
	t.Parallel()
	w := archive.NewWriter(io.Discard)
	_, err := w.WriteFile("data/001_a.b.csv", strings.NewReader("h\n1\n"), true)
	require.NoError(t, err)
	_, err = w.Close(archive.Manifest{Tables: []archive.Table{{Schema: "a", Name: "b", File: "data/001_a.b.csv", Rows: 2}}})
	require.True(t, errors.Is(err, archive.ErrCorrupt))
}

func TestDataFileNameEscapes(t *testing.T) {
	t.Parallel()
	require.Equal(t, "data/007_tenant_a.my%20t%2F%2E%2E%22x%22.csv", archive.DataFileName(7, "tenant_a", `my t/.."x"`))
}

func FuzzReader(f *testing.F) {
	data, _ := build(f)
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := archive.NewReader(bytes.NewReader(b))
		for range 1000 {
			e, err := r.Next()
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, e)
		}
	})
}
