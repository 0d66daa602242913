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
