package basebackup

import (
	"archive/tar"
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

const testLabel = `START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
CHECKPOINT LOCATION: 0/2000060
BACKUP METHOD: streamed
BACKUP FROM: primary
START TIME: 2026-11-28 23:34:07 UTC
LABEL: arca test
START TIMELINE: 1
`

func tarOf(t *testing.T, files map[string]string) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range []string{"backup_label", "PG_VERSION", "base/1/1259", "backup_manifest"} {
		body, ok := files[name]
		if !ok {
			continue
		}
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(body))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

func TestSniffFindsTheBackupFactsInTheTar(t *testing.T) {
	t.Parallel()
	manifest := `{"PostgreSQL-Backup-Manifest-Version": 1, "Files": [], "WAL-Ranges": [{ "Timeline": 1, "Start-LSN": "0/2000028", "End-LSN": "0/3000000" }]}`
	s, err := sniff(bytes.NewReader(tarOf(t, map[string]string{"backup_label": testLabel, "PG_VERSION": "15\n",
		"base/1/1259": "xxxx", "backup_manifest": manifest})))
	require.NoError(t, err)
	f, err := factsOf(s, 16<<20)
	require.NoError(t, err)
	require.Equal(t, Facts{Label: "arca test", Timeline: 1, StartLSN: "0/2000028", StopLSN: "0/3000000",
		CheckpointLSN: "0/2000060", StartWAL: "000000010000000000000002",
		StopWAL:         "000000010000000000000002", // the stop LSN is the first byte after the segment
		ServerStartTime: "2026-11-28 23:34:07 UTC", ServerVersion: "15", SegmentSize: 16 << 20}, f)

	_, err = sniff(bytes.NewReader(tarOf(t, map[string]string{"backup_label": testLabel})))
	require.ErrorContains(t, err, "no backup_manifest")
	_, err = sniff(bytes.NewReader(tarOf(t, map[string]string{"backup_label": "LABEL: x\n", "backup_manifest": manifest})))
	require.ErrorContains(t, err, "START WAL LOCATION")
	_, err = sniff(bytes.NewReader([]byte("not a tar at all, but long enough to be read as a header block?")))
	require.Error(t, err)
}

func FuzzParseLabel(f *testing.F) {
	f.Add([]byte(testLabel))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := parseLabel(b)
		if err == nil && (l.StartLSN == "" || l.Timeline == 0) {
			t.Fatalf("accepted a label without a start: %+v", l)
		}
	})
}
