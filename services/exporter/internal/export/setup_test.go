package export_test

import (
	"bytes"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/exporter/internal/export"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

type bundle struct {
	db  *teststack.Database
	cfg export.Config
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db := teststack.NewFixtureDatabase(t)
	dir, err := teststack.PGBinDir(t.Context())
	require.NoError(t, err)
	return &bundle{db: db, cfg: export.Config{
		Source: source.Config{URL: db.URL, StatementTimeout: time.Minute, LockTimeout: 10 * time.Second},
		Tenancy: tenancy.Config{
			TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id", SchemaColumn: "schemaName"},
			Exclude:     []string{"public._prisma_migrations"},
			Ownership: map[string]tenancy.Edge{
				"public.responses.responses_display_id_fkey": tenancy.EdgeOwned,
				"public.responses.responses_parent_id_fkey":  tenancy.EdgeOwned,
			},
		},
		Limiter:     source.NewLimiter(2),
		Parallelism: 3,
		ChunkSize:   1 << 20, // so the 3.9 MB invoice note spans chunks
		PGBinDir:    dir,
		ToolVersion: "test",
	}}
}

// exported is one archive read back and verified.
type exported struct {
	manifest archive.Manifest
	files    map[string][]byte
}

func (b *bundle) export(t *testing.T, tenantID string) exported {
	t.Helper()
	var buf bytes.Buffer
	m, err := export.Tenant(t.Context(), b.cfg, tenantID, &buf)
	require.NoError(t, err)
	return read(t, m, buf.Bytes())
}

// table returns a table's CSV records (header first, the rest sorted), raw,
// so that NULL (unquoted empty) and "" stay distinct.
func (e exported) table(t *testing.T, role, schema, name string) []string {
	t.Helper()
	for _, tab := range e.manifest.Tables {
		if tab.Role == role && tab.Schema == schema && tab.Name == name {
			return records(e.files[tab.File])
		}
	}
	t.Fatalf("archive has no %s table %s.%s", role, schema, name)
	return nil
}

// records splits CSV at newlines outside double quotes.
func records(b []byte) []string {
	var out []string
	quoted, start := false, 0
	for i, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && !quoted:
			out = append(out, string(b[start:i]))
			start = i + 1
		}
	}
	if start < len(b) {
		out = append(out, string(b[start:]))
	}
	if len(out) > 1 {
		sort.Strings(out[1:])
	}
	return out
}
