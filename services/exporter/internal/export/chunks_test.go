package export_test

import (
	"archive/tar"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/services/exporter/internal/export"
)

// TestEveryChunkButTheLastIsTheChunkSize: a table's COPY is cut into
// chunks of exactly the chunk size (the last one shorter), as the archive
// writer cuts its own files. A chunk's buffer starts at 64 KiB and grows;
// append's rounding had grown it past the chunk size, so that a table's
// chunks were ~15 % larger than the size meant to bound them.
func TestEveryChunkButTheLastIsTheChunkSize(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cfg := b.cfg
	cfg.ChunkSize = 100_000 // above the buffer's first 64 KiB, not a power of two
	var buf bytes.Buffer
	m, err := export.Tenant(t.Context(), cfg, "acme", &buf)
	require.NoError(t, err)
	sizes := map[string][]int64{}
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if strings.HasPrefix(h.Name, "data/") {
			file := h.Name[:strings.LastIndex(h.Name, ".")]
			sizes[file] = append(sizes[file], h.Size)
		}
	}
	multi := 0
	for _, f := range m.Files {
		if !f.CSV {
			continue
		}
		s := sizes[f.Name]
		require.Len(t, s, f.Chunks, f.Name)
		for i, n := range s[:len(s)-1] {
			require.EqualValues(t, cfg.ChunkSize, n, "%s chunk %d of %d", f.Name, i+1, len(s))
		}
		require.LessOrEqual(t, s[len(s)-1], int64(cfg.ChunkSize), f.Name)
		if len(s) > 2 {
			multi++
		}
	}
	require.Positive(t, multi, "a table spans chunks: %v", sizes)
}
