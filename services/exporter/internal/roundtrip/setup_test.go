package roundtrip_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/fingerprint"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/exporter/internal/compress"
	"github.com/arcabackup/arca/services/exporter/internal/export"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

const (
	acme = "acme"
	beta = "beta"
	evil = "x'; DROP TABLE users; --"
)

var tenancyConfig = tenancy.Config{
	TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id", SchemaColumn: "schemaName"},
	Exclude:     []string{"public._prisma_migrations"},
	// A follow-up response has no display: its nullable foreign keys own.
	Ownership: map[string]tenancy.Edge{
		"public.responses.responses_display_id_fkey": tenancy.EdgeOwned,
		"public.responses.responses_parent_id_fkey":  tenancy.EdgeOwned,
	},
}

// bundle is a fixture database and a keyring.
type bundle struct {
	db   *teststack.Database
	cfg  export.Config
	keys *keyring.Keyring
	kek  seal.KEK
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db := teststack.NewFixtureDatabase(t)
	dir, err := teststack.PGBinDir(t.Context())
	require.NoError(t, err)
	kr, kek := newKeys(t)
	return &bundle{db: db, keys: kr, kek: kek, cfg: exportConfig(db.URL, dir, 1<<20)}
}

// newKeys is a keyring with a default primary.
func newKeys(t testing.TB) (*keyring.Keyring, seal.KEK) {
	t.Helper()
	kr := keyring.New()
	_, err := kr.Rotate("")
	require.NoError(t, err)
	kek, err := kr.Primary("")
	require.NoError(t, err)
	return kr, kek
}

func exportConfig(url, pgBinDir string, chunk int) export.Config {
	return export.Config{
		Source:      source.Config{URL: url, StatementTimeout: time.Minute, LockTimeout: 10 * time.Second},
		Tenancy:     tenancyConfig,
		Parallelism: 2,
		ChunkSize:   chunk,
		PGBinDir:    pgBinDir,
		ToolVersion: "test",
		// As the exporter stage runs: the shared DDL and the plan kept
		// between a bundle's exports while its catalog is unchanged.
		Cache:    export.NewCache(),
		Sessions: source.NewSessions(8, time.Minute),
	}
}

// runSQL runs a multi-statement script.
func runSQL(t testing.TB, db *teststack.Database, sql string) {
	t.Helper()
	conn, err := db.Pool.Acquire(t.Context())
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Conn().PgConn().Exec(t.Context(), sql).ReadAll()
	require.NoError(t, err)
}

// sealed is a committed backup: its manifest and its object's bytes.
type sealed struct {
	m   backup.Manifest
	am  archive.Manifest
	obj []byte
	// fp are the tenant's per-table fingerprints at backup time, keyed
	// "role schema.table".
	fp map[string]fingerprint.Fingerprint
}

func (s sealed) open() io.Reader { return bytes.NewReader(s.obj) }

// backup exports the tenant, fingerprints its tables under the same data,
// and seals the archive as the pipeline does: compressed parts cut at
// partSize compressed bytes.
func (b *bundle) backup(t *testing.T, tenant string, partSize int) sealed {
	t.Helper()
	var tar bytes.Buffer
	am, err := export.Tenant(t.Context(), b.cfg, tenant, &tar)
	require.NoError(t, err)
	id := "b-" + hex.EncodeToString(sha256.New().Sum([]byte(tenant)))[:12] + "-" + time.Now().Format("150405.000000")
	s := sealFrames(t, b.kek, id, "tenant", tenant, tar.Bytes(), int64(partSize))
	s.m.Export, err = json.Marshal(am)
	require.NoError(t, err)
	require.NoError(t, s.m.Validate())
	s.am = am
	s.fp = selectionFingerprints(t, b.db.URL, am)
	return s
}

// sealParts seals plain as an artifact cut in parts of partSize plaintext
// bytes, each compressed by the sealer (or not, raw) as the encryptor did
// before the exporter compressed, and builds its manifest.
func sealParts(t testing.TB, kek seal.KEK, id, kind, tenant string, plain []byte, partSize int, raw bool) sealed {
	t.Helper()
	var opts []seal.Option
	if raw {
		opts = append(opts, seal.WithoutCompression())
	}
	sl, err := seal.NewSealer(opts...)
	require.NoError(t, err)
	var parts [][]byte
	var sizes []int64
	for off := 0; off < len(plain) || off == 0; off += partSize {
		parts = append(parts, plain[off:min(off+partSize, len(plain))])
		sizes = append(sizes, int64(len(parts[len(parts)-1])))
	}
	return sealEach(t, sl, kek, id, kind, tenant, plain, parts, sizes)
}

// sealFrames seals plain as the pipeline does (at seal.DefaultLevel here: the
// level is no part of what is tested): compressed by the
// exporter into one zstd frame per part, cut at target compressed bytes,
// and each frame sealed as it is.
func sealFrames(t testing.TB, kek seal.KEK, id, kind, tenant string, plain []byte, target int64) sealed {
	t.Helper()
	f := &frames{}
	w, err := compress.NewWriter(f, target, seal.DefaultLevel)
	require.NoError(t, err)
	_, err = w.Write(plain)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	var sizes []int64
	for i := range f.parts {
		n, ok := w.PlainSize(i)
		require.True(t, ok)
		sizes = append(sizes, n)
	}
	sl, err := seal.NewSealer(seal.Precompressed())
	require.NoError(t, err)
	return sealEach(t, sl, kek, id, kind, tenant, plain, f.parts, sizes)
}

// frames is a compress.Sink in memory.
type frames struct{ parts [][]byte }

func (f *frames) Write(b []byte) (int, error) {
	if len(f.parts) == 0 {
		f.parts = append(f.parts, nil)
	}
	f.parts[len(f.parts)-1] = append(f.parts[len(f.parts)-1], b...)
	return len(b), nil
}

func (f *frames) Cut() error { f.parts = append(f.parts, nil); return nil }

// sealEach seals each part and builds the artifact's manifest.
func sealEach(t testing.TB, sl *seal.Sealer, kek seal.KEK, id, kind, tenant string, plain []byte, parts [][]byte, plainSizes []int64) sealed {
	t.Helper()
	m := backup.Manifest{FormatVersion: backup.FormatVersion, ToolVersion: "test", BackupID: id, Kind: kind,
		Tenant: tenant, CreatedAt: time.Now().UTC(), CommittedAt: time.Now().UTC(), KeyIDs: []string{kek.ID},
		PlainSize: int64(len(plain))}
	ph := sha256.Sum256(plain)
	m.PlainSHA256 = hex.EncodeToString(ph[:])
	var obj bytes.Buffer
	for i, chunk := range parts {
		off := obj.Len()
		_, err := sl.Seal(context.Background(), &obj, bytes.NewReader(chunk),
			seal.Part{Artifact: id, Index: uint32(i), Last: i == len(parts)-1}, kek)
		require.NoError(t, err)
		sum := sha256.Sum256(obj.Bytes()[off:])
		m.Object.Parts = append(m.Object.Parts, backup.Part{Index: i, Offset: int64(off), Size: int64(obj.Len() - off),
			SHA256: hex.EncodeToString(sum[:]), PlainSize: plainSizes[i], KeyID: kek.ID})
	}
	sum := sha256.Sum256(obj.Bytes())
	m.Object.Key, m.Object.Size, m.Object.SHA256 = "tenants/"+tenant+"/"+id+"/data.arca", int64(obj.Len()), hex.EncodeToString(sum[:])
	return sealed{m: m, obj: obj.Bytes()}
}

// selectionFingerprints fingerprints every table of the archive over the
// tenant's selection, in the database at url.
func selectionFingerprints(t testing.TB, url string, am archive.Manifest) map[string]fingerprint.Fingerprint {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	out := map[string]fingerprint.Fingerprint{}
	err = pgx.BeginFunc(t.Context(), conn, func(tx pgx.Tx) error {
		if err := tenancy.Bind(t.Context(), tx, am.Tenant.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(t.Context(), "SET LOCAL jit = off"); err != nil {
			return err
		}
		for _, tab := range am.Tables {
			fp, err := fingerprint.Table(t.Context(), tx, tab.Schema, tab.Name, columnNames(tab), tab.Selection)
			if err != nil {
				return err
			}
			out[tab.Role+" "+tab.Schema+"."+tab.Name] = fp
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func columnNames(t archive.Table) []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

// everything fingerprints every column of every table in every user schema
// of the database, and every sequence's state, keyed by name.
func everything(t testing.TB, url string) map[string]string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	rows, err := conn.Query(t.Context(), `SELECT n.nspname::text, c.relname::text, c.relkind::text,
		array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
		ORDER BY 1, 2`)
	require.NoError(t, err)
	type rel struct {
		schema, name, kind string
		cols               []string
	}
	var rels []rel
	for rows.Next() {
		var r rel
		require.NoError(t, rows.Scan(&r.schema, &r.name, &r.kind, &r.cols))
		rels = append(rels, r)
	}
	require.NoError(t, rows.Err())
	out := map[string]string{}
	for _, r := range rels {
		key := pgx.Identifier{r.schema, r.name}.Sanitize()
		if r.kind == "S" {
			var last int64
			var called bool
			require.NoError(t, conn.QueryRow(t.Context(), "SELECT last_value, is_called FROM "+key).Scan(&last, &called))
			out[key] = fmt.Sprintf("sequence last %d called %t", last, called)
			continue
		}
		fp, err := fingerprint.Table(t.Context(), conn, r.schema, r.name, r.cols, "")
		require.NoError(t, err)
		out[key] = fp.String()
	}
	return out
}

func replaceOpts() restore.Options {
	return restore.Options{Mode: restore.ModeReplace, Tenancy: tenancyConfig}
}

// randomSeed is a new seed each run, logged; ARCA_SEED replays one.
func randomSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("ARCA_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
	}
	t.Logf("seed %d (ARCA_SEED=%d replays it)", seed, seed)
	return seed
}
