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

	"github.com/nats-io/nats.go"
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
	TTL time.Duration // default 24h
	// MaxBytes caps each bucket: default 8 GiB; -1 unlimited. A stream's
	// MaxBytes also sizes its file blocks (8 MiB from 32 MiB up), whose
	// buffers the server keeps in memory; arca dev, which runs its own
	// server, caps that server's store instead (docs/DESIGN.md decision 43).
	MaxBytes int64
	Replicas int // default 1
	// StallTimeout is how long a Put or Get may make no progress before it
	// fails with ErrStalled (default DefaultStallTimeout). A transfer that
	// moves, however slowly, is never cut short.
	StallTimeout time.Duration
}

// Store is the staging buckets, one key space: a key ending in .plain is a
// plaintext part and lives in PlainBucket, anything else in Bucket.
type Store struct {
	sealed, plain bucket
	pub           Publisher
	stall         time.Duration
	observe       Transfer // nil: none (Observed)
}

// bucket is an object bucket and its stream, which Get reads chunks from.
type bucket struct {
	jetstream.ObjectStore
	name   string
	stream jetstream.Stream
	// direct is where chunks are read in batches (batch.go) when the
	// stream has direct gets (a single replica); nil, one get per chunk
	// from the leader, when it is replicated.
	direct *directGet
}

func (s *Store) bucket(key string) bucket {
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
	// Revision is the stream sequence of the part's metadata as Stat or
	// Get read it or Put, Create or Claim wrote it: a claim, put or delete
	// of the key moves it on (DeleteUnchanged).
	Revision uint64
}

// ObjectStores is what Ensure needs of a JetStream context: its
// connection and API prefix for batched reads.
type ObjectStores interface {
	CreateOrUpdateStream(ctx context.Context, cfg jetstream.StreamConfig) (jetstream.Stream, error)
	ObjectStore(ctx context.Context, bucket string) (jetstream.ObjectStore, error)
	Conn() *nats.Conn
	Options() jetstream.JetStreamOptions
	Publisher
}

// Ensure creates or updates the staging buckets and opens them.
//
// It makes each bucket's stream itself, as nats.go's
// CreateOrUpdateObjectStore would but with AllowDirect off when the
// bucket is replicated: with direct gets, any replica answers a read of an
// object's metadata, and a follower that has not yet applied a put
// acknowledged by the leader answers "not found" (or an older version), so
// a stage reading a part right after the previous stage stored it
// dead-lettered it as gone from staging. Without them every read goes to
// the stream leader. A single replica is the leader, and there direct gets
// stay on: a chunk then comes back as raw bytes, not base64 in a JSON
// reply, which made reading a part 4 to 5 times slower (BenchmarkGet,
// #17), and a part is read in batches of chunks (decision 50). The handle
// is opened after the update, since the client caches the setting to
// choose the subject of its reads.
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
	s := &Store{stall: o.StallTimeout, pub: js}
	for _, b := range []struct {
		name, what string
		to         *bucket
	}{{PlainBucket, "Arca plaintext parts, exporter to encryptor", &s.plain}, {Bucket, "Arca sealed parts and export facts, to the uploader", &s.sealed}} {
		st, err := js.CreateOrUpdateStream(ctx, streamConfig(b.name, b.what, o))
		if err != nil {
			return nil, fmt.Errorf("staging bucket %s: %w", b.name, err)
		}
		os, err := js.ObjectStore(ctx, b.name)
		if err != nil {
			return nil, fmt.Errorf("staging bucket %s: %w", b.name, err)
		}
		*b.to = bucket{ObjectStore: os, name: b.name, stream: st}
		if st.CachedInfo().Config.AllowDirect {
			b.to.direct = newDirectGet(js, st.CachedInfo().Config.Name)
		}
	}
	return s, nil
}

// streamConfig is the stream nats.go makes for an object bucket
// (jetstream.ObjectStoreConfig with these fields), AllowDirect off unless
// the bucket has a single replica.
func streamConfig(bucket, description string, o Options) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        "OBJ_" + bucket,
		Description: description,
		Subjects:    []string{"$O." + bucket + ".C.>", "$O." + bucket + ".M.>"},
		MaxAge:      o.TTL,
		MaxBytes:    o.MaxBytes,
		Storage:     jetstream.FileStorage,
		Replicas:    o.Replicas,
		Discard:     jetstream.DiscardNew,
		AllowRollup: true,
		AllowDirect: o.Replicas == 1,
	}
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
// nothing visible under key. A put that another put of the same key
// overtook (stored after this one began) fails with ErrReplaced and leaves
// the other's part. It fails with ErrStalled only when the bucket
// makes no progress for the stall timeout; time spent waiting for r does
// not count.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, meta map[string]string) (_ Info, err error) {
	return s.store(ctx, key, r, meta, false)
}

// Create is Put for a key that must hold nothing: it fails with ErrExists,
// before reading r, when the key holds a part, and with ErrReplaced when
// another put of the key is stored while this one runs. A part written by
// Create is never replaced by a later Create, so whoever announced its
// digest is sure the bytes under the key stay those until it is deleted.
func (s *Store) Create(ctx context.Context, key string, r io.Reader, meta map[string]string) (_ Info, err error) {
	return s.store(ctx, key, r, meta, true)
}

func (s *Store) store(ctx context.Context, key string, r io.Reader, meta map[string]string, create bool) (_ Info, err error) {
	ctx, end := s.start(ctx, OpPut, key)
	var size int64
	defer func() { end(size, err) }()
	ctx, wd, done := s.transferContext(ctx)
	defer done()
	info, rev, err := s.put(ctx, s.bucket(key), key, sourceReader{r: r, wd: wd}, meta, wd.resume, create)
	if err != nil {
		return Info{}, fmt.Errorf("staging put %s: %w", key, stalled(ctx, err))
	}
	out, err := toInfo(info)
	out.Revision = rev
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
	b := s.bucket(key)
	oi, rev, err := s.meta(ctx, b, key)
	if err != nil {
		return nil, Info{}, fmt.Errorf("staging get %s: %w", key, err)
	}
	info, err := toInfo(oi)
	if err != nil {
		return nil, Info{}, err
	}
	info.Revision = rev
	if oi.NUID == "" || (oi.Opts != nil && oi.Opts.Link != nil) {
		return nil, Info{}, fmt.Errorf("staging get %s: not a stored part", key)
	}
	return s.chunks(ctx, b, key, oi), info, nil
}

// Stat returns a part's size and digest, or ErrNotFound.
func (s *Store) Stat(ctx context.Context, key string) (Info, error) {
	oi, rev, err := s.meta(ctx, s.bucket(key), key)
	if err != nil {
		return Info{}, fmt.Errorf("staging stat %s: %w", key, err)
	}
	info, err := toInfo(oi)
	info.Revision = rev
	return info, err
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
	for _, b := range []bucket{s.plain, s.sealed} {
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
