package roundtrip_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/exporter/internal/export"
)

const benchSchema = `
CREATE TABLE public.tenants (id text PRIMARY KEY, "schemaName" text, name text NOT NULL);
CREATE TABLE public.events (
  id bigint PRIMARY KEY, "tenantId" text NOT NULL,
  at timestamptz NOT NULL, kind text NOT NULL, amount numeric(12, 2), body text);
`

// BenchmarkTenantRestore restores a generated tenant of about 330 MB of CSV
// and, in the same run, loads the same CSV files with psql \copy into an
// identical empty database: the ceiling a restore can reach. The events
// table has a primary key and no foreign key, so that both sides pay the
// same index maintenance (the restore loads shared tables in replica mode,
// which would otherwise spare it psql's per-row foreign-key triggers). Run
// once:
//
//	go test ./internal/roundtrip -run '^$' -bench TenantRestore -benchtime 1x
//
// ARCA_BENCH_ROWS changes the row count (1.8 M rows ≈ 330 MB; 5.6 M ≈ 1 GB).
func BenchmarkTenantRestore(b *testing.B) {
	src := teststack.NewDatabase(b)
	runSQL(b, src, benchSchema+`
INSERT INTO public.tenants VALUES ('big', NULL, 'Big');
INSERT INTO public.events SELECT i, 'big', '2026-01-01'::timestamptz + i * interval '1 second',
  (ARRAY['admission', 'medication', 'vitals', 'note'])[1 + i % 4], (i % 100000) / 100.0,
  'Paciente ' || i || ' — observação de rotina, sinais vitais estáveis, sem intercorrências; "ok", ' || md5(i::text)
  FROM generate_series(1, `+benchRows()+`) i;`)
	binDir, err := teststack.PGBinDir(b.Context())
	require.NoError(b, err)
	cfg := exportConfig(src.URL, binDir, 8<<20)
	dir := b.TempDir()

	tarPath := filepath.Join(dir, "tenant.tar")
	tarFile, err := os.Create(tarPath)
	require.NoError(b, err)
	am, err := export.Tenant(b.Context(), cfg, "big", tarFile)
	require.NoError(b, err)
	require.NoError(b, tarFile.Close())

	kr, kek := newKeys(b)
	m, objPath := sealFile(b, kek, tarPath, am)
	csvs := extractCSV(b, tarPath, am, dir)
	var csvBytes int64
	for _, f := range am.Files {
		if f.CSV {
			csvBytes += f.Size
		}
	}

	for b.Loop() {
		base := teststack.NewDatabase(b)
		runSQL(b, base, benchSchema)
		start := time.Now()
		for _, c := range csvs {
			out, err := exec.CommandContext(b.Context(), "psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", base.URL, "-c",
				`\copy `+c.table+` (`+c.cols+`) FROM '`+c.path+`' (FORMAT csv, HEADER)`).CombinedOutput()
			require.NoError(b, err, string(out))
		}
		psqlTime := time.Since(start)

		target := teststack.NewDatabase(b)
		runSQL(b, target, benchSchema)
		obj, err := os.Open(objPath)
		require.NoError(b, err)
		res, err := restore.Tenant(b.Context(), target.URL, obj, m, kr, restore.Options{Mode: restore.ModeTarget, Tenancy: tenancyConfig})
		require.NoError(b, err)
		require.NoError(b, obj.Close())

		mb := float64(csvBytes) / 1e6
		b.ReportMetric(mb, "csv-MB")
		b.ReportMetric(mb/psqlTime.Seconds(), "psql-MB/s")
		b.ReportMetric(mb/res.Duration.Seconds(), "restore-MB/s")
		b.ReportMetric(psqlTime.Seconds()/res.Duration.Seconds(), "ratio")
		b.ReportMetric(res.Duration.Seconds(), "rto-s")
		b.ReportMetric(float64(m.Object.Size)/1e6, "sealed-MB")
	}
}

// sealFile seals the tar in 64 MiB parts into a file next to it.
func sealFile(b *testing.B, kek seal.KEK, tarPath string, am archive.Manifest) (backup.Manifest, string) {
	plain, err := os.ReadFile(tarPath)
	require.NoError(b, err)
	s := sealParts(b, kek, "bench-1", "tenant", "big", plain, 64<<20, false)
	s.m.Export, err = json.Marshal(am)
	require.NoError(b, err)
	path := tarPath + ".arca"
	require.NoError(b, os.WriteFile(path, s.obj, 0o600))
	return s.m, path
}

type csvFile struct{ table, cols, path string }

// extractCSV writes each table's CSV to its own file for psql.
func extractCSV(b *testing.B, tarPath string, am archive.Manifest, dir string) []csvFile {
	f, err := os.Open(tarPath)
	require.NoError(b, err)
	defer func() { _ = f.Close() }()
	ar := archive.NewReader(f, archive.WithManifest(am))
	var out []csvFile
	for {
		e, err := ar.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(b, err)
		for _, t := range am.Tables {
			if t.File != e.Name {
				continue
			}
			sum := sha256.Sum256([]byte(e.Name))
			path := filepath.Join(dir, hex.EncodeToString(sum[:8])+".csv")
			w, err := os.Create(path)
			require.NoError(b, err)
			_, err = io.Copy(w, e)
			require.NoError(b, err)
			require.NoError(b, w.Close())
			cols := ""
			for i, c := range t.Columns {
				if i > 0 {
					cols += ", "
				}
				cols += `"` + c.Name + `"`
			}
			out = append(out, csvFile{table: t.Schema + "." + t.Name, cols: cols, path: path})
		}
	}
	return out
}

func benchRows() string {
	if n := os.Getenv("ARCA_BENCH_ROWS"); n != "" {
		return n
	}
	return "1800000"
}
