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
}

// Store is the staging buckets, one key space: a key ending in .plain is a
// plaintext part and lives in PlainBucket, anything else in Bucket.
type Store struct{ sealed, plain jetstream.ObjectStore }

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
	s := &Store{}
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
// nothing visible under key.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, meta map[string]string) (Info, error) {
	info, err := s.bucket(key).Put(ctx, jetstream.ObjectMeta{Name: key, Metadata: meta}, r)
	if err != nil {
		return Info{}, fmt.Errorf("staging put %s: %w", key, err)
	}
	return toInfo(info)
}

// Get opens a staged part. The bucket checks the part's digest as it is
// read: a damaged part ends in an error, not in silently wrong bytes.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	res, err := s.bucket(key).Get(ctx, key)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, Info{}, fmt.Errorf("staging get %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, Info{}, fmt.Errorf("staging get %s: %w", key, err)
	}
	oi, err := res.Info()
	if err != nil {
		res.Close()
		return nil, Info{}, fmt.Errorf("staging get %s: %w", key, err)
	}
	info, err := toInfo(oi)
	if err != nil {
		res.Close()
		return nil, Info{}, err
	}
	return res, info, nil
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
