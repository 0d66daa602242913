package staging_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/embednats"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// stagingHeap is the heap in use, after a collection, that this package's
// code allocated: the part writer's, its puts' and the NATS client's under
// them, not the embedded server's (which caches what it stores) nor the
// test's. Every allocation is profiled while it runs (stagingProfiled).
func stagingHeap(t *testing.T) int64 {
	t.Helper()
	runtime.GC()
	runtime.GC() // the profile is as of the last collection finished
	var recs []runtime.MemProfileRecord
	for n, _ := runtime.MemProfile(nil, false); ; {
		recs = make([]runtime.MemProfileRecord, n+64)
		k, ok := runtime.MemProfile(recs, false)
		if ok {
			recs = recs[:k]
			break
		}
		n = k
	}
	var sum int64
	for _, r := range recs {
		frames := runtime.CallersFrames(r.Stack())
		for {
			f, more := frames.Next()
			if strings.HasPrefix(f.Function, "github.com/arcabackup/arca/pkg/staging.") {
				sum += r.InUseBytes()
				break
			}
			if !more {
				break
			}
		}
	}
	return sum
}

// stagingProfiled profiles every allocation until the test ends.
func stagingProfiled(t *testing.T) {
	rate := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	t.Cleanup(func() { runtime.MemProfileRate = rate })
}

// storedBytes is what the plaintext bucket's stream holds.
func storedBytes(t *testing.T, n *teststack.NATS) uint64 {
	t.Helper()
	s, err := n.JS.Stream(t.Context(), "OBJ_"+staging.PlainBucket)
	require.NoError(t, err)
	info, err := s.Info(t.Context())
	require.NoError(t, err)
	return info.State.Bytes
}

// A streaming part writer 12 MiB into a 16 MiB part holds none of it: the
// part is in staging already, less the chunks in flight, and what the writer, its put and the NATS client under it hold is
// the window and a few buffers. A held part writer (NewPartWriter, every
// batch member's before) holds the 12 MiB and has stored nothing yet. The
// embedded server's heap, which caches what it stores, is not counted.
// Not parallel: it profiles every allocation.
func TestAStreamingPartWriterHoldsNoPart(t *testing.T) {
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	data := random(t, 20<<20) // 16 MiB, 4 MiB more, and the end

	stagingProfiled(t)
	var parts []staging.Part
	before := stagingHeap(t)
	w := staging.NewStreamingPartWriter(ctx, st, "streamed", 16<<20, func(_ context.Context, p staging.Part) error {
		parts = append(parts, p)
		return nil
	})
	write := func(b []byte) {
		for off := 0; off < len(b); off += 64 << 10 {
			_, err := w.Write(b[off:min(off+64<<10, len(b))])
			require.NoError(t, err)
		}
	}
	write(data[:12<<20])
	held := stagingHeap(t) - before
	stored := storedBytes(t, n)
	t.Logf("12 MiB into the part: the writer holds %.2f MiB, staging %.2f MiB", float64(held)/(1<<20), float64(stored)/(1<<20))
	// All but the chunks in flight: the put's window of 8 awaiting their
	// acks, one being published and one being read.
	require.GreaterOrEqual(t, stored, uint64(12<<20-10*128<<10), "the part's bytes are in staging as they are written")
	require.Less(t, held, int64(3<<20), "the writer holds far less than the 12 MiB written")

	write(data[12<<20:])
	count, err := w.Close()
	require.NoError(t, err)
	require.Equal(t, 2, count)
	requireParts(t, st, "streamed", parts, [][]byte{data[:16<<20], data[16<<20:]})
	runtime.KeepAlive(data)
}

// requireParts checks that parts were announced in order, the last one
// last, each stored byte for byte as want says under the announced size
// and digest.
func requireParts(t *testing.T, st *staging.Store, artifact string, parts []staging.Part, want [][]byte) {
	t.Helper()
	require.Len(t, parts, len(want))
	for i, p := range parts {
		require.Equal(t, i, p.Index)
		require.Equal(t, i == len(want)-1, p.Last, "part %d", i)
		require.Equal(t, staging.PlainKey(artifact, i), p.Key)
		body, info := readPart(t, st, p)
		require.Equal(t, p.Info, info, "part %d", i)
		sum := sha256.Sum256(want[i])
		require.Equal(t, hex.EncodeToString(sum[:]), info.SHA256, "part %d", i)
		require.Equal(t, int64(len(want[i])), info.Size, "part %d", i)
		require.True(t, bytes.Equal(want[i], body), "part %d: %d bytes stored, %d written", i, len(body), len(want[i]))
	}
}

// Streamed parts come out as the held writer's do: cut by size across
// odd writes, or where Cut says, at every "frame", empty ones included,
// and an empty last part when the stream ends on a cut.
func TestAStreamingPartWriterStoresEachPartWhole(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	announced := func(parts *[]staging.Part) func(context.Context, staging.Part) error {
		return func(_ context.Context, p staging.Part) error {
			*parts = append(*parts, p)
			return nil
		}
	}

	for _, size := range []int{0, 1, 999, 1000, 1001, 3500, 300<<10 + 7} {
		data := random(t, size)
		var parts []staging.Part
		artifact := "sized-" + strconv.Itoa(size)
		w := staging.NewStreamingPartWriter(ctx, st, artifact, 1000, announced(&parts))
		for off := 0; off < size; off += 333 {
			_, err := w.Write(data[off:min(off+333, size)])
			require.NoError(t, err)
		}
		count, err := w.Close()
		require.NoError(t, err)
		require.Equal(t, size/1000+1, count, "size %d", size)
		var want [][]byte
		for off := 0; off <= size; off += 1000 {
			want = append(want, data[off:min(off+1000, size)])
		}
		requireParts(t, st, artifact, parts, want)
	}

	// Frames of every kind, each cut after: empty, one byte, a chunk and
	// a bit, several chunks, all a streaming writer holds (1 MiB), one byte
	// more (held, then streamed), several MiB, and an empty last part.
	var want [][]byte
	for _, n := range []int{5000, 0, 1, 128<<10 + 1, 0, 700 << 10, 1 << 20, 1<<20 + 1, 3<<20 + 17, 3} {
		want = append(want, random(t, n))
	}
	var parts []staging.Part
	w := staging.NewStreamingPartWriter(ctx, st, "frames", 0, announced(&parts))
	for _, f := range want {
		for off := 0; off < len(f); off += 10000 {
			_, err := w.Write(f[off:min(off+10000, len(f))])
			require.NoError(t, err)
		}
		require.NoError(t, w.Cut())
	}
	want = append(want, nil)
	count, err := w.Close()
	require.NoError(t, err)
	require.Equal(t, len(want), count)
	requireParts(t, st, "frames", parts, want)
	require.Error(t, w.Cut(), "a closed writer refuses to cut")
}

// A part no larger than what a streaming writer holds (1 MiB) is put from
// memory, as a held writer's: a put that fails is tried again with its
// bytes, and the part is stored whole.
func TestAStreamingPartWriterRetriesTheSmallPartItHeld(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	faulty := &teststack.FailSecondMessage{JetStream: n.JS, Prefix: "$O." + staging.PlainBucket + ".C."}
	st, err := staging.Ensure(ctx, faulty, staging.Options{})
	require.NoError(t, err)
	var parts []staging.Part
	w := staging.NewStreamingPartWriter(ctx, st, "small", 0, func(_ context.Context, p staging.Part) error {
		parts = append(parts, p)
		return nil
	})
	data := random(t, 600<<10) // five chunks
	_, err = w.Write(data)
	require.NoError(t, err)
	count, err := w.Close()
	require.NoError(t, err, "the failed chunk's put was tried again")
	require.True(t, faulty.Failed())
	require.Equal(t, 1, count)
	requireParts(t, st, "small", parts, [][]byte{data})
}

// A streamed part's put that fails mid-part (the bucket full to its max
// bytes) fails the Write feeding it, with the put's error, instead of
// leaving it waiting on a put that reads no more; Close says the same, no
// part is announced, and Discard deletes what the failed put left.
func TestAStreamingPartWriterFailsWithItsPut(t *testing.T) {
	t.Parallel()
	key, err := embednats.NewKey()
	require.NoError(t, err)
	n := capped(t, t.TempDir(), key, 0)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{MaxBytes: 4 << 20})
	require.NoError(t, err)

	var parts []staging.Part
	w := staging.NewStreamingPartWriter(ctx, st, "full", 16<<20, func(_ context.Context, p staging.Part) error {
		parts = append(parts, p)
		return nil
	})
	data := random(t, 8<<20)
	var werr error
	written := 0
	for off := 0; off < len(data) && werr == nil; off += 64 << 10 {
		var k int
		k, werr = w.Write(data[off:min(off+64<<10, len(data))])
		written += k
	}
	require.ErrorIs(t, werr, staging.ErrFull, "the Write fails with the put's error: %v", werr)
	require.ErrorContains(t, werr, "part 0, streamed (not retried)")
	require.Less(t, written, len(data), "the Write failed as the put did, not at the end")
	_, err = w.Write([]byte("more"))
	require.ErrorIs(t, err, staging.ErrFull, "and so does the next")
	_, err = w.Close()
	require.ErrorIs(t, err, staging.ErrFull)
	require.Empty(t, parts)
	d, err := w.Discard(ctx)
	require.NoError(t, err)
	require.True(t, d.Dead)
	require.Empty(t, keysOf(t, st, "full"))
}

// A writer whose context ends mid-part, or while the announcement of the
// part before holds the next (back-pressure), returns from Write with the
// context's error: it never waits on a put that is gone.
func TestAStreamingPartWriterStopsWithItsContext(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	st, err := staging.Ensure(t.Context(), n.JS, staging.Options{})
	require.NoError(t, err)

	t.Run("mid-part", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		w := staging.NewStreamingPartWriter(ctx, st, "cancelled", 0, func(context.Context, staging.Part) error { return nil })
		_, err := w.Write(random(t, 300<<10))
		require.NoError(t, err)
		cancel()
		// The put stops at its next wait for an ack, within its window
		// of 8 chunks (a held writer's Write would never fail: bounded).
		chunk := random(t, 64<<10)
		for i := 0; i < 256 && err == nil; i++ {
			_, err = w.Write(chunk)
		}
		require.ErrorIs(t, err, context.Canceled)
		_, err = w.Close()
		require.ErrorIs(t, err, context.Canceled)
	})

	t.Run("held by back-pressure", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		announcing := make(chan struct{})
		w := staging.NewStreamingPartWriter(ctx, st, "held", 0, func(ctx context.Context, p staging.Part) error {
			close(announcing)
			<-ctx.Done() // the next stage never makes room
			return ctx.Err()
		})
		_, err := w.Write([]byte("part 0"))
		require.NoError(t, err)
		require.NoError(t, w.Cut())
		<-announcing
		// Past the 1 MiB a streaming writer holds: part 1 must be
		// streamed, and its put waits for part 0's announcement.
		wrote := make(chan error, 1)
		go func() {
			_, err := w.Write(random(t, 2<<20))
			wrote <- err
		}()
		select {
		case err := <-wrote:
			t.Fatalf("the Write returned (%v) while part 0's announcement waited for room", err)
		case <-time.After(100 * time.Millisecond):
		}
		cancel()
		require.ErrorIs(t, <-wrote, context.Canceled)
		_, err = w.Close()
		require.Error(t, err)
		d, err := w.Discard(context.Background())
		require.NoError(t, err)
		require.Equal(t, 1, d.Deleted, "part 0, stored and never announced")
	})
}

// Abort mid-part ends the part's put without storing it, however far it
// got: nothing is announced, and Discard leaves nothing behind.
func TestAStreamingPartWriterAbortedMidPartStoresNothing(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	var parts []staging.Part
	w := staging.NewStreamingPartWriter(ctx, st, "aborted", 0, func(_ context.Context, p staging.Part) error {
		parts = append(parts, p)
		return nil
	})
	_, err = w.Write(random(t, 1000))
	require.NoError(t, err)
	require.NoError(t, w.Cut())
	// Past what a streaming writer holds (1 MiB): the part is streaming.
	_, err = w.Write(random(t, 1536<<10))
	require.NoError(t, err)
	w.Abort(errors.New("the export failed"))
	d, err := w.Discard(ctx)
	require.NoError(t, err)
	require.True(t, d.Dead)
	require.Len(t, parts, 1, "part 0 only")
	require.Empty(t, keysOf(t, st, "aborted"))
	_, err = w.Write([]byte("x"))
	require.ErrorContains(t, err, "the export failed")
}

// BenchmarkPartWriter writes 64 MiB in 24 KiB writes (a compressor's
// blocks) into 16 MiB parts, held and streamed, one writer at a time.
//
//	go test ./pkg/staging -run - -bench PartWriter -benchtime 4x
func BenchmarkPartWriter(b *testing.B) {
	n := teststack.NewNATS(b)
	ctx := b.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(b, err)
	buf := make([]byte, 24<<10)
	for _, mode := range []struct {
		name string
		new  func(context.Context, *staging.Store, string, int64, func(context.Context, staging.Part) error) *staging.PartWriter
	}{{"held", staging.NewPartWriter}, {"streaming", staging.NewStreamingPartWriter}} {
		b.Run(mode.name, func(b *testing.B) {
			b.SetBytes(64 << 20)
			for i := range b.N {
				w := mode.new(ctx, st, mode.name+"-"+strconv.Itoa(i), 16<<20, func(context.Context, staging.Part) error { return nil })
				for off := 0; off < 64<<20; off += len(buf) {
					_, err := w.Write(buf)
					require.NoError(b, err)
				}
				_, err := w.Close()
				require.NoError(b, err)
			}
		})
	}
}
