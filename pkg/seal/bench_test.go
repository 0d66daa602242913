package seal_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/arcabackup/arca/pkg/seal"
)

// BenchmarkSealCSV compares sealing throughput on one core with the tools of
// the plan it replaces, on the same CSV file, in one run:
//
//	ARCA_BENCH_BYTES=1073741824 go test -run XXX -bench SealCSV -benchtime 1x
//
// Each sub-benchmark reports wall MB/s, cpu-MB/s (bytes per second of CPU time
// spent: per core) and ratio (plaintext bytes / sealed bytes).
func BenchmarkSealCSV(b *testing.B) {
	size := int64(64 << 20)
	if s := os.Getenv("ARCA_BENCH_BYTES"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		size = n
	}
	path := benchCSV(b, size)
	bb := setup(b)

	for _, c := range []struct {
		name string
		opts []seal.Option
	}{
		{"arca/encrypt-only", []seal.Option{seal.WithoutCompression()}},
		{"arca/zstd-1+encrypt", []seal.Option{seal.WithLevel(zstd.SpeedFastest)}},
		{"arca/zstd-3+encrypt", []seal.Option{seal.WithLevel(zstd.SpeedDefault)}},
		{"arca/zstd-7+encrypt", []seal.Option{seal.WithLevel(zstd.SpeedBetterCompression)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			s, err := seal.NewSealer(c.opts...)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			var sealed int64
			cpu := cpuTime()
			for b.Loop() {
				sealed = sealFile(b, s, path, bb.kek)
			}
			report(b, size, sealed, cpuTime()-cpu)
		})
	}
	for _, c := range []struct{ name, cmd string }{
		{"plan/openssl-aes-256-cbc", `openssl enc -aes-256-cbc -pbkdf2 -salt -pass pass:bench < "$1" | wc -c`},
		{"plan/gzip-9+openssl", `gzip -9 < "$1" | openssl enc -aes-256-cbc -pbkdf2 -salt -pass pass:bench | wc -c`},
		{"ref/zstd-cli-3+openssl", `zstd -3 -q -T1 < "$1" | openssl enc -aes-256-cbc -pbkdf2 -salt -pass pass:bench | wc -c`},
	} {
		b.Run(c.name, func(b *testing.B) {
			if _, err := exec.LookPath(firstWord(c.cmd)); err != nil {
				b.Skipf("%s not installed", firstWord(c.cmd))
			}
			b.SetBytes(size)
			var sealed int64
			var cpu time.Duration
			for b.Loop() {
				cmd := exec.Command("sh", "-c", c.cmd, "sh", path)
				out, err := cmd.Output()
				if err != nil {
					b.Fatalf("%s: %v", c.cmd, err)
				}
				sealed, _ = strconv.ParseInt(string(trimSpace(out)), 10, 64)
				// wait4 counts the shell and the children it waited for.
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
			report(b, size, sealed, cpu)
		})
	}
}

func sealFile(b *testing.B, s *seal.Sealer, path string, kek seal.KEK) int64 {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	// Parts of 64 MiB, as the exporter cuts them.
	const partSize = 64 << 20
	st, _ := f.Stat()
	var sealed int64
	for i := int64(0); i*partSize < st.Size() || i == 0; i++ {
		last := (i+1)*partSize >= st.Size()
		n, err := s.Seal(context.Background(), io.Discard, io.LimitReader(f, partSize),
			seal.Part{Artifact: "bench", Index: uint32(i), Last: last}, kek)
		if err != nil {
			b.Fatal(err)
		}
		sealed += n.Sealed
	}
	return sealed
}

func report(b *testing.B, size, sealed int64, cpu time.Duration) {
	if cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "cpu-MB/s")
	}
	if sealed > 0 {
		b.ReportMetric(float64(size)/float64(sealed), "ratio")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchCSV writes (once, cached in the temporary directory) a CSV file of
// size bytes: ids, uuids, timestamps, Portuguese names, amounts, flags.
func benchCSV(b *testing.B, size int64) string {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("arca-bench-%d.csv", size))
	if st, err := os.Stat(path); err == nil && st.Size() == size {
		return path
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for off, seed := int64(0), uint64(0); off < size; seed++ {
		chunk := csvData(seed, int(min(8<<20, size-off)))
		_, _ = w.Write(chunk)
		off += int64(len(chunk))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path
}

func firstWord(s string) string {
	for i, c := range s {
		if c == ' ' {
			return s[:i]
		}
	}
	return s
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	return b
}
