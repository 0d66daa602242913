package compress_test

import (
	"runtime"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/arcabackup/arca/services/exporter/internal/compress"
)

// discard is a Sink that keeps nothing but the compressed size.
type discard struct{ n *int }

func (d discard) Write(b []byte) (int, error) { *d.n += len(b); return len(b), nil }
func (discard) Cut() error                    { return nil }

// BenchmarkWritersHeld measures the heap 50 writers hold at once, each
// 4 MiB of CSV into it (a batch export's members), with the default encoder
// and the members' low-memory one: KiB/writer and the compression ratio.
//
//	go test ./internal/compress -run - -bench WritersHeld -benchtime 1x
func BenchmarkWritersHeld(b *testing.B) {
	data := csv(4 << 20)
	for name, opts := range map[string][]zstd.EOption{"default": nil, "low-memory": compress.LowMemory} {
		b.Run(name, func(b *testing.B) {
			for range b.N {
				const n = 50
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				ws := make([]*compress.Writer, n)
				outs := make([]int, n)
				for i := range ws {
					w, err := compress.NewWriter(discard{&outs[i]}, 16<<20, zstd.SpeedDefault, opts...)
					if err != nil {
						b.Fatal(err)
					}
					ws[i] = w
				}
				for off := 0; off < len(data); off += 64 << 10 {
					for _, w := range ws {
						if _, err := w.Write(data[off:min(off+64<<10, len(data))]); err != nil {
							b.Fatal(err)
						}
					}
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				for _, w := range ws {
					if err := w.Close(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/1024/n, "KiB/writer")
				b.ReportMetric(float64(outs[0])/float64(len(data)), "ratio")
			}
		})
	}
}

// heapPerWriter is the heap the writers hold, per writer, after a
// collection.
func heapPerWriter(before runtime.MemStats, n int) int64 {
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return (int64(after.HeapInuse) - int64(before.HeapInuse)) / int64(n)
}

// A writer holds its encoder only between its first write and its Close:
// the exporter makes one per job as the job starts, and the jobs of a
// batch wait for the rest of their batch and for export slots (64 jobs
// held 85 MB of encoders in a heap profile of all 50 tenants while 32
// were being read), and a job whose stream has ended waits for its last
// part's put. Before, the encoder (~1.4 MiB, low-memory) was made with the
// writer and kept after Close. Not parallel: it measures the heap.
func TestAWriterHoldsItsEncoderOnlyWhileItWrites(t *testing.T) {
	const n = 32
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	ws := make([]*compress.Writer, n)
	outs := make([]int, n)
	for i := range ws {
		w, err := compress.NewWriter(discard{&outs[i]}, 16<<20, zstd.SpeedDefault, compress.LowMemory...)
		if err != nil {
			t.Fatal(err)
		}
		ws[i] = w
	}
	if held := heapPerWriter(before, n); held > 64<<10 {
		t.Fatalf("a writer not yet written holds %d KiB", held>>10)
	}
	data := csv(1 << 20)
	for _, w := range ws {
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if held := heapPerWriter(before, n); held < 256<<10 {
		t.Fatalf("a writer writing holds only %d KiB: the measure is wrong", held>>10)
	}
	for _, w := range ws {
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if held := heapPerWriter(before, n); held > 64<<10 {
		t.Fatalf("a closed writer holds %d KiB", held>>10)
	}
	runtime.KeepAlive(ws)
}
