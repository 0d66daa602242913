package wal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
)

// StreamSuffix ends the name of a streamed partial segment: the first bytes
// of a segment that wal-receive has received and not yet completed,
// "000000010000000000000003.stream". It is not PostgreSQL's ".partial"
// (the end of an old timeline, which archive_command pushes at promotion),
// so the two never share a name.
const StreamSuffix = ".stream"

// StreamName is the name of segment's streamed partial.
func StreamName(segment string) string { return segment + StreamSuffix }

// PutFile archives a whole WAL file that did not come from pg_wal (wal-
// receive's completed segments and timeline history files) exactly as Push
// would: same key, same artifact id, same tags. An object already there
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
	sum := sha256.Sum256(plain)
	res := PushResult{Key: cfg.Key(f), Plain: int64(len(plain))}
	same, err := archivedSame(ctx, cfg, f, res.Key, hex.EncodeToString(sum[:]))
	switch {
	case err == nil:
		res.Existed = same
		return res, nil
	case !errors.Is(err, objstore.ErrNotFound):
		return res, fmt.Errorf("put %s: %w", name, err)
	}
	res.Sealed, err = putSealed(ctx, cfg, f, res.Key, plain, sum)
	if err != nil {
		return res, fmt.Errorf("put %s: %w", name, err)
	}
	return res, nil
}

// PutStream stores plain, the first len(plain) bytes of segment, as its
// streamed partial, replacing the previous one. It is sealed under its own
// artifact id ("wal/<timeline>/<segment>.stream"), so a partial can never
// pass for the complete segment.
func PutStream(ctx context.Context, cfg Config, segment string, plain []byte) (PushResult, error) {
	if err := cfg.validate(); err != nil {
		return PushResult{}, err
	}
	f, err := ParseName(StreamName(segment))
	if err != nil {
		return PushResult{}, err
	}
	if int64(len(plain)) > cfg.segSize() {
		return PushResult{}, fmt.Errorf("put %s: %d bytes exceed the segment size", f.Name, len(plain))
	}
	res := PushResult{Key: cfg.Key(f), Plain: int64(len(plain))}
	res.Sealed, err = putSealed(ctx, cfg, f, res.Key, plain, sha256.Sum256(plain))
	if err != nil {
		return res, fmt.Errorf("put %s: %w", f.Name, err)
	}
	return res, nil
}

// DeleteStream removes segment's streamed partial once the segment itself
// is archived. Deleting a missing partial is not an error.
func DeleteStream(ctx context.Context, cfg Config, segment string) error {
	f, err := ParseName(StreamName(segment))
	if err != nil {
		return err
	}
	return cfg.Store.Delete(ctx, cfg.Key(f))
}

func putSealed(ctx context.Context, cfg Config, f File, key string, plain []byte, sum [32]byte) (int64, error) {
	kek, err := cfg.Keys.Primary("")
	if err != nil {
		return 0, err
	}
	var sealed bytes.Buffer
	sealed.Grow(len(plain)/2 + 4096)
	part := seal.Part{Artifact: ArtifactID(f), Index: 0, Last: true}
	if _, err := seal.Seal(ctx, &sealed, bytes.NewReader(plain), part, kek); err != nil {
		return 0, err
	}
	sealedSum := sha256.Sum256(sealed.Bytes())
	n := int64(sealed.Len())
	tags := map[string]string{TagDataType: "HealthRecords", TagKind: "wal", TagPlainSHA256: hex.EncodeToString(sum[:])}
	maps.Copy(tags, cfg.Tags)
	if _, err := cfg.Store.Put(ctx, key, &sealed, n, objstore.WithSHA256(sealedSum[:]), objstore.WithTags(tags)); err != nil {
		return 0, err
	}
	return n, nil
}

// restoreStream writes segment f's streamed partial to dest, padded with
// zeros to the segment size: restore_command must deliver a whole segment
// (PostgreSQL refuses one of the wrong size), and replay ends at the first
// zero record, which is where the stream ended. ErrNotFound when there is
// no partial either.
func restoreStream(ctx context.Context, cfg Config, f File, dest string) (int64, error) {
	sf, err := ParseName(StreamName(f.Name))
	if err != nil {
		return 0, err
	}
	key := cfg.Key(sf)
	rc, err := cfg.Store.Get(ctx, key, objstore.Range{})
	if errors.Is(err, objstore.ErrNotFound) {
		return 0, fmt.Errorf("%s: %w", cfg.Key(f), ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".arca-fetch-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	n, err := seal.Open(ctx, tmp, rc, ArtifactID(sf), cfg.Keys)
	if err == nil && n > cfg.segSize() {
		err = fmt.Errorf("%d bytes exceed the segment size", n)
	}
	if err != nil {
		tmp.Close()
		return 0, fmt.Errorf("open %s: %w", key, err)
	}
	if _, err := io.CopyN(tmp, zeros{}, cfg.segSize()-n); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return 0, err
	}
	return cfg.segSize(), nil
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
