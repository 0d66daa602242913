package wal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"path"
	"sort"
	"strconv"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
)

// StreamSuffix ends the name of a streamed chunk: the bytes [from, to) of a
// segment that wal-receive received before the segment was complete,
// "000000010000000000000003.00000000-00A3F000.stream". A chunk is written
// once and never replaced, so what the bucket holds of a segment only
// grows. It is not PostgreSQL's ".partial" (the end of an old timeline,
// which archive_command pushes at promotion): the two never share a name.
const StreamSuffix = ".stream"

// StreamName is the name of segment's chunk of the bytes [from, to).
func StreamName(segment string, from, to int64) string {
	return fmt.Sprintf("%s.%08X-%08X%s", segment, uint32(from), uint32(to), StreamSuffix)
}

// streamRange is the byte range a chunk's name carries.
func streamRange(f File) (from, to int64) {
	a, _ := strconv.ParseUint(f.Name[25:33], 16, 32)
	b, _ := strconv.ParseUint(f.Name[34:42], 16, 32)
	return int64(a), int64(b)
}

// PutFile archives a whole WAL file that did not come from pg_wal (wal-
// receive's completed segments and timeline history files) exactly as Push
// would: same key, same artifact id, same tags, the same guards (another
// cluster's segment, a forked timeline are refused). An object already there
// with the same plaintext is left alone (Existed); another plaintext under
// the name is a *ConflictError and nothing is written. When wal-push and
// wal-receive race on one segment both may Put; both objects hold the same
// plaintext, so whichever lands last is the same segment.
func PutFile(ctx context.Context, cfg Config, name string, plain []byte) (PushResult, error) {
	if err := cfg.validate(); err != nil {
		return PushResult{}, err
	}
	f, err := ParseName(name)
	if err != nil {
		return PushResult{}, err
	}
	if f.Kind == KindStream {
		return PushResult{}, fmt.Errorf("put %s: a streamed partial goes through PutStream", name)
	}
	res, err := putPlain(ctx, cfg, f, plain)
	if err != nil {
		return res, fmt.Errorf("put %s: %w", name, err)
	}
	return res, nil
}

// PutStream stores plain, the bytes of segment from offset on, as one
// streamed chunk. Each chunk is sealed under its own artifact id
// ("wal/<timeline>/<segment>.<from>-<to>.stream"), which binds its place and
// length: a chunk can never pass for the complete segment, for another
// range, or for a shorter version of itself.
func PutStream(ctx context.Context, cfg Config, segment string, offset int64, plain []byte) (PushResult, error) {
	if err := cfg.validate(); err != nil {
		return PushResult{}, err
	}
	to := offset + int64(len(plain))
	if offset < 0 || len(plain) == 0 || to > cfg.segSize() {
		return PushResult{}, fmt.Errorf("put stream of %s: bytes %d..%d outside the segment", segment, offset, to)
	}
	f, err := ParseName(StreamName(segment, offset, to))
	if err != nil {
		return PushResult{}, err
	}
	res := PushResult{Key: cfg.Key(f), Plain: int64(len(plain))}
	res.Sealed, err = putSealed(ctx, cfg, f, res.Key, plain, sha256.Sum256(plain))
	if err != nil {
		return res, fmt.Errorf("put %s: %w", f.Name, err)
	}
	return res, nil
}

// streamChunks lists segment f's chunks in offset order.
func streamChunks(ctx context.Context, cfg Config, f File) ([]File, error) {
	var out []File
	for info, err := range cfg.Store.List(ctx, cfg.Key(f)+".") {
		if err != nil {
			return nil, err
		}
		c, err := ParseName(path.Base(info.Key))
		if err == nil && c.Kind == KindStream && c.Name[:24] == f.Name {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		af, at := streamRange(a)
		bf, bt := streamRange(b)
		return af < bf || af == bf && at > bt
	})
	return out, nil
}

// DeleteStream removes segment's chunks once the segment itself is
// archived.
func DeleteStream(ctx context.Context, cfg Config, segment string) error {
	f, err := ParseName(segment)
	if err != nil {
		return err
	}
	chunks, err := streamChunks(ctx, cfg, f)
	if err != nil {
		return err
	}
	for _, c := range chunks {
		if err := cfg.Store.Delete(ctx, cfg.Key(c)); err != nil {
			return err
		}
	}
	return nil
}

func putSealed(ctx context.Context, cfg Config, f File, key string, plain []byte, sum [32]byte) (int64, error) {
	sealed, sealedSum, err := sealWAL(ctx, cfg, f, plain)
	if err != nil {
		return 0, err
	}
	return storeSealed(ctx, cfg, key, sealed, sealedSum, sum)
}

// sealWAL seals plain as f's one part under the primary key; it returns
// the sealed bytes and their SHA-256.
func sealWAL(ctx context.Context, cfg Config, f File, plain []byte) (*bytes.Buffer, [32]byte, error) {
	kek, err := cfg.Keys.Primary("")
	if err != nil {
		return nil, [32]byte{}, err
	}
	sealed := new(bytes.Buffer)
	sealed.Grow(len(plain)/2 + 4096)
	part := seal.Part{Artifact: ArtifactID(f), Index: 0, Last: true}
	sealer := cfg.Sealer
	if sealer == nil {
		if sealer, err = seal.NewSealer(); err != nil {
			return nil, [32]byte{}, err
		}
	}
	if _, err := sealer.Seal(ctx, sealed, bytes.NewReader(plain), part, kek); err != nil {
		return nil, [32]byte{}, err
	}
	return sealed, sha256.Sum256(sealed.Bytes()), nil
}

// storeSealed puts sealed bytes under key, tagged with the plaintext's
// SHA-256 sum.
func storeSealed(ctx context.Context, cfg Config, key string, sealed *bytes.Buffer, sealedSum, sum [32]byte) (int64, error) {
	n := int64(sealed.Len())
	tags := map[string]string{TagDataType: "HealthRecords", TagKind: "wal", TagPlainSHA256: hex.EncodeToString(sum[:])}
	maps.Copy(tags, cfg.Tags)
	if _, err := cfg.Store.Put(ctx, key, sealed, n, objstore.WithSHA256(sealedSum[:]), objstore.WithTags(tags)); err != nil {
		return 0, err
	}
	return n, nil
}

// restoreStream writes what the stream holds of segment f to dest: its
// chunks, joined from offset 0 as far as they are contiguous, padded with
// zeros to the segment size. restore_command must deliver a whole segment
// (PostgreSQL refuses one of the wrong size), and replay ends at the first
// zero record, which is where the stream ended. ErrNotFound when there is
// chunk from offset 0.
func restoreStream(ctx context.Context, cfg Config, f File, dest string) (int64, error) {
	chunks, err := streamChunks(ctx, cfg, f)
	if err != nil {
		return 0, err
	}
	if len(chunks) == 0 {
		return 0, fmt.Errorf("%s: %w", cfg.Key(f), ErrNotFound)
	}
	seg := make([]byte, cfg.segSize())
	var end int64
	for _, c := range chunks {
		from, to := streamRange(c)
		if from > end {
			break // a gap: what follows cannot be replayed
		}
		if to <= end || to > cfg.segSize() {
			continue // nothing new (or not of this segment size)
		}
		var buf bytes.Buffer
		if err := openChunk(ctx, cfg, c, &buf); err != nil {
			return 0, err
		}
		if int64(buf.Len()) != to-from {
			return 0, fmt.Errorf("open %s: %d bytes, its name says %d", cfg.Key(c), buf.Len(), to-from)
		}
		copy(seg[from:], buf.Bytes())
		end = to
	}
	if end == 0 {
		return 0, fmt.Errorf("%s: %w", cfg.Key(f), ErrNotFound)
	}
	if err := install(dest, func(w io.Writer) error { _, err := w.Write(seg); return err }); err != nil {
		return 0, err
	}
	return cfg.segSize(), nil
}

func openChunk(ctx context.Context, cfg Config, c File, w io.Writer) error {
	key := cfg.Key(c)
	rc, err := cfg.Store.Get(ctx, key, objstore.Range{})
	if err != nil {
		return fmt.Errorf("get %s: %w", key, err)
	}
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	if _, err := seal.Open(ctx, w, rc, ArtifactID(c), cfg.Keys); err != nil {
		return fmt.Errorf("open %s: %w", key, err)
	}
	return nil
}
