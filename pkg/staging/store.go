package staging

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// The two Object Store buckets. Plaintext parts (*.plain) wait in
// PlainBucket, which only the exporter (writes) and the encryptor (reads,
// deletes) may touch; sealed parts and export facts wait in Bucket, for the
// uploader. So the uploader, which holds the bucket's write credentials,
// never has a right on a plaintext part (cmd/arca/internal/grants).
const (
	Bucket      = "staging"
	PlainBucket = "staging_plain"
)

// Options size the bucket.
type Options struct {
	TTL      time.Duration // default 24h
	MaxBytes int64         // default 8 GiB; -1 unlimited
	Replicas int           // default 1
	// StallTimeout is how long a Put or Get may make no progress before it
	// fails with ErrStalled (default DefaultStallTimeout). A transfer that
	// moves, however slowly, is never cut short.
	StallTimeout time.Duration
}

// Store is the staging buckets, one key space: a key ending in .plain is a
// plaintext part and lives in PlainBucket, anything else in Bucket.
type Store struct {
	sealed, plain jetstream.ObjectStore
	stall         time.Duration
	observe       Transfer // nil: none (Observed)
}

func (s *Store) bucket(key string) jetstream.ObjectStore {
	if strings.HasSuffix(key, ".plain") {
		return s.plain
	}
	return s.sealed
}

// Info is what a stage needs to know of a staged part.
type Info struct {
	Size   int64
	SHA256 string // lower-case hex
	// Meta is what the writer attached (the key id that sealed a part).
	Meta map[string]string
}

// ObjectStores is what Ensure needs of a JetStream context.
type ObjectStores interface {
	CreateOrUpdateObjectStore(ctx context.Context, cfg jetstream.ObjectStoreConfig) (jetstream.ObjectStore, error)
}

// Ensure creates or updates the staging buckets and opens them.
func Ensure(ctx context.Context, js ObjectStores, o Options) (*Store, error) {
	if o.TTL == 0 {
		o.TTL = 24 * time.Hour
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = 8 << 30
	}
	if o.Replicas == 0 {
		o.Replicas = 1
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = DefaultStallTimeout
	}
	s := &Store{stall: o.StallTimeout}
	for _, b := range []struct {
		name, what string
		to         *jetstream.ObjectStore
	}{{PlainBucket, "Arca plaintext parts, exporter to encryptor", &s.plain}, {Bucket, "Arca sealed parts and export facts, to the uploader", &s.sealed}} {
		os, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
			Bucket:      b.name,
			Description: b.what,
			TTL:         o.TTL,
			MaxBytes:    o.MaxBytes,
			Storage:     jetstream.FileStorage,
			Replicas:    o.Replicas,
		})
		if err != nil {
			return nil, fmt.Errorf("staging bucket %s: %w", b.name, err)
		}
		*b.to = os
	}
	return s, nil
}

// PlainKey and SealedKey name the two forms of a part.
func PlainKey(artifact string, part int) string {
	return artifact + "/" + strconv.Itoa(part) + ".plain"
}

func SealedKey(artifact string, part int) string {
	return artifact + "/" + strconv.Itoa(part) + ".sealed"
}

// FactsKey is where the exporter leaves an artifact's export facts (the
// archive manifest) for the uploader to put into manifest.json.
func FactsKey(artifact string) string { return artifact + "/export.json" }

// Put streams r into the bucket under key. A put that fails part-way leaves
// nothing visible under key. It fails with ErrStalled only when the bucket
// makes no progress for the stall timeout; time spent waiting for r does
// not count.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, meta map[string]string) (_ Info, err error) {
	ctx, end := s.start(ctx, OpPut, key)
	var size int64
	defer func() { end(size, err) }()
	ctx, wd, done := s.transferContext(ctx)
	defer done()
	info, err := s.bucket(key).Put(ctx, jetstream.ObjectMeta{Name: key, Metadata: meta}, sourceReader{r: r, wd: wd})
	if err != nil {
		return Info{}, fmt.Errorf("staging put %s: %w", key, stalled(ctx, err))
	}
	out, err := toInfo(info)
	size = out.Size
	return out, err
}

// Get opens a staged part. The bucket checks the part's digest as it is
// read: a damaged part ends in an error, not in silently wrong bytes. A
// read fails with ErrStalled only when the bucket sends nothing for the
// stall timeout (time the caller takes between reads does not count), and
// with ErrNotFound when the part is deleted while it is read.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	ctx, end := s.start(ctx, OpGet, key)
	rc, info, err := s.get(ctx, key)
	if err != nil {
		end(0, err)
		return nil, Info{}, err
	}
	return &observedReader{ReadCloser: rc, end: end}, info, nil
}

func (s *Store) get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	oi, err := s.bucket(key).GetInfo(ctx, key)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, Info{}, fmt.Errorf("staging get %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, Info{}, fmt.Errorf("staging get %s: %w", key, err)
	}
	// The client bounds a Get without a deadline by its 5 s default, a
	// whole part included ("read pipe: i/o timeout" under load): give it
	// the stall timeout plus the part at a crawl instead.
	budget := s.stall + time.Duration(int64(oi.Size)/minRate)*time.Second
	gctx, cancel := context.WithTimeout(ctx, budget)
	res, err := s.bucket(key).Get(gctx, key)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		cancel()
		return nil, Info{}, fmt.Errorf("staging get %s: %w", key, ErrNotFound)
	}
	if err != nil {
		cancel()
		return nil, Info{}, fmt.Errorf("staging get %s: %w", key, err)
	}
	roi, err := res.Info()
	if err != nil {
		_ = res.Close()
		cancel()
		return nil, Info{}, fmt.Errorf("staging get %s: %w", key, err)
	}
	info, err := toInfo(roi)
	if err != nil {
		_ = res.Close()
		cancel()
		return nil, Info{}, err
	}
	return s.stream(gctx, key, res, roi.NUID, cancel), info, nil
}

// Stat returns a part's size and digest, or ErrNotFound.
func (s *Store) Stat(ctx context.Context, key string) (Info, error) {
	oi, err := s.bucket(key).GetInfo(ctx, key)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return Info{}, fmt.Errorf("staging stat %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return Info{}, fmt.Errorf("staging stat %s: %w", key, err)
	}
	return toInfo(oi)
}

// Delete removes a part; deleting a missing part is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	err := s.bucket(key).Delete(ctx, key)
	if err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		return fmt.Errorf("staging delete %s: %w", key, err)
	}
	return nil
}

// ErrNotFound says a part is not in staging.
var ErrNotFound = errors.New("not in staging")

func toInfo(oi *jetstream.ObjectInfo) (Info, error) {
	d, ok := strings.CutPrefix(oi.Digest, "SHA-256=")
	if !ok {
		return Info{}, fmt.Errorf("staging %s: digest %q is not SHA-256", oi.Name, oi.Digest)
	}
	raw, err := base64.URLEncoding.DecodeString(d)
	if err != nil {
		return Info{}, fmt.Errorf("staging %s: digest: %w", oi.Name, err)
	}
	return Info{Size: int64(oi.Size), SHA256: hex.EncodeToString(raw), Meta: oi.Metadata}, nil
}

// List names every part and fact in staging (deleted ones excluded).
func (s *Store) List(ctx context.Context) ([]string, error) {
	var names []string
	for _, b := range []jetstream.ObjectStore{s.plain, s.sealed} {
		infos, err := b.List(ctx)
		if errors.Is(err, jetstream.ErrNoObjectsFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("staging list: %w", err)
		}
		for _, oi := range infos {
			names = append(names, oi.Name)
		}
	}
	return names, nil
}
