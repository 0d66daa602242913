package pgtest

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal"
)

// Archive is a test's WAL archive: a store, a keyring file, and the walcmd
// binary configured through Env to use them.
type Archive struct {
	Store  objstore.Store
	Layout backup.Layout
	Keys   *keyring.Keyring
	Bin    string   // walcmd
	Env    []string // ARCA_* for walcmd
	Stats  string   // walcmd's latency log
}

// NewFSArchive is an archive in a filesystem store.
func NewFSArchive(t testing.TB) *Archive {
	t.Helper()
	dir := filepath.Join(teststack.ServerDir(t), "bucket")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	store, err := fsstore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	teststack.OwnByServer(t, dir)
	return newArchive(t, store, "ARCA_STORE=fs:"+dir)
}

// NewS3Archive is an archive in a fresh bucket of the gateway.
func NewS3Archive(t testing.TB, gw *teststack.VersityGW) *Archive {
	t.Helper()
	bucket := gw.NewBucket(t, false)
	store, err := s3store.New(t.Context(), s3store.Config{Endpoint: gw.Endpoint, Region: gw.Region, Bucket: bucket,
		PathStyle: true, AccessKey: gw.AccessKey, SecretKey: gw.SecretKey, MaxBackoff: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return newArchive(t, store, "ARCA_STORE=s3", "ARCA_S3_ENDPOINT="+gw.Endpoint, "ARCA_S3_REGION="+gw.Region,
		"ARCA_S3_BUCKET="+bucket, "ARCA_S3_ACCESS_KEY="+gw.AccessKey, "ARCA_S3_SECRET_KEY="+gw.SecretKey)
}

func newArchive(t testing.TB, store objstore.Store, env ...string) *Archive {
	dir := teststack.ServerDir(t)
	ks := keyring.File{Path: filepath.Join(dir, "keyring.json"), Passphrase: []byte("test passphrase")}
	keys, err := keyring.Init(t.Context(), ks)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "walcmd")
	build := exec.Command("go", "build", "-o", bin, "github.com/arcabackup/arca/pkg/wal/internal/walcmd")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build walcmd: %v\n%s", err, out)
	}
	a := &Archive{Store: store, Layout: backup.Layout{Prefix: "prod"}, Keys: keys, Bin: bin,
		Stats: filepath.Join(dir, "walcmd-stats.jsonl")}
	a.Env = append(env, "ARCA_PREFIX=prod", "ARCA_KEYRING="+ks.Path, "ARCA_KEYRING_PASSPHRASE="+string(ks.Passphrase),
		"ARCA_WAL_STATS="+a.Stats)
	teststack.OwnByServer(t, dir)
	return a
}

// Config is the wal configuration of the archive.
func (a *Archive) Config() wal.Config {
	return wal.Config{Store: a.Store, Layout: a.Layout, Keys: a.Keys}
}

// ArchiveCommand is archive_command for the cluster.
func (a *Archive) ArchiveCommand() string { return a.Bin + " push %p" }

// RestoreCommand is restore_command for a restored cluster.
func (a *Archive) RestoreCommand() string { return a.Bin + " fetch %f %p" }

// Conf is the postgresql.conf lines of an archiving cluster.
func (a *Archive) Conf(archiveTimeout string) []string {
	return []string{"wal_level = replica", "archive_mode = on", "archive_timeout = '" + archiveTimeout + "'",
		"archive_command = '" + a.ArchiveCommand() + "'"}
}

// statRecord is one line walcmd appends to the stats file.
type statRecord struct {
	Op      string  `json:"op"`
	File    string  `json:"file"`
	Seconds float64 `json:"seconds"`
	Total   float64 `json:"total_seconds"`
	Error   string  `json:"error"`
	Via     string  `json:"via"`
}

// records reads walcmd's stats file.
func (a *Archive) records(t testing.TB) []statRecord {
	t.Helper()
	f, err := os.Open(a.Stats)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var out []statRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var s statRecord
		if json.Unmarshal(sc.Bytes(), &s) == nil {
			out = append(out, s)
		}
	}
	return out
}

// Latencies returns walcmd's recorded durations of op, sorted: of the call
// alone, or of the whole process when total.
func (a *Archive) Latencies(t testing.TB, op string, total bool) []time.Duration {
	t.Helper()
	var out []time.Duration
	for _, s := range a.records(t) {
		if s.Op == op && s.Error == "" {
			if total {
				s.Seconds = s.Total
			}
			out = append(out, time.Duration(s.Seconds*float64(time.Second)))
		}
	}
	slices.Sort(out)
	return out
}

// Pushed returns the files walcmd pushed successfully with
// ARCA_WAL_AGENT_DIR set, by route: "agent" (stored by the agent) or
// "direct" (no agent answered; walcmd pushed them itself).
func (a *Archive) Pushed(t testing.TB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, s := range a.records(t) {
		if s.Op == "push" && s.Error == "" && s.Via != "" {
			out[s.Via] = append(out[s.Via], s.File)
		}
	}
	return out
}

// Failed counts walcmd's calls of op that returned an error.
func (a *Archive) Failed(t testing.TB, op string) int {
	t.Helper()
	b, err := os.ReadFile(a.Stats)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, `"op":"`+op+`"`) && strings.Contains(line, `"error"`) {
			n++
		}
	}
	return n
}

// Percentile of sorted durations.
func Percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(float64(len(d)-1) * p)
	return d[i]
}
