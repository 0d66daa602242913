package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/staging"
)

// Keys gives the key that seals a tenant's parts: the tenant's own key
// where it has one (crypto-erasure), else the default primary; and, by id,
// the key of a part sealed earlier (to tell whether it was destroyed since).
// A *keyring.Keyring; a *keyring.Live also follows the keyring epoch (Epochs).
type Keys interface {
	Primary(tenant string) (seal.KEK, error)
	Key(id string) (seal.KEK, error)
}

// Epochs is implemented by keys that change while the stage runs
// (keyring.Live). A sealed part is announced only while the epoch it was
// sealed under is still held (Pin), so once the service has acknowledged a
// new epoch nothing sealed under an older one leaves it.
type Epochs interface {
	Epoch() uint64
	Pin(epoch uint64) (release func(), ok bool)
}

// staleRetry is how soon a part is tried again while the keyring catches up
// with a newly announced epoch.
const staleRetry = 2 * time.Second

// metaKeyID records, on a staged sealed part, which key sealed it.
const metaKeyID = "key-id"

// Config of the encryptor stage.
type Config struct {
	// MinPartSize is the smallest sealed part a multipart upload accepts
	// (except the last part): S3's 5 MiB, which every store enforces. It
	// concerns only plaintext parts (PartReady version 1, from an older
	// exporter): one that compresses below it is sealed without compression
	// instead. Compressed parts are cut by the exporter at or above its
	// part size and sealed as they are. 0 takes S3MinPartSize.
	MinPartSize int64
	Seal        []seal.Option
	Worker      jobs.Config
}

// S3MinPartSize is S3's minimum multipart part size.
const S3MinPartSize = 5 << 20

// Service is a running encryptor.
type Service struct {
	js      jobs.JetStream
	staging *staging.Store
	keys    Keys
	sealer  *seal.Sealer // plaintext parts: compress and encrypt
	raw     *seal.Sealer // plaintext parts below the minimum once compressed
	framed  *seal.Sealer // parts the exporter compressed: encrypt only
	cfg     Config
}

// Deps are the encryptor's connections and keys: JetStream (JOBS, EVENTS),
// both staging buckets (it reads plaintext parts and writes sealed ones),
// and the keys that seal them.
type Deps struct {
	JS      jobs.JetStream
	Staging *staging.Store
	Keys    Keys
}

// New builds the service without touching the network.
func New(d Deps, cfg Config) (*Service, error) {
	js, st, keys := d.JS, d.Staging, d.Keys
	if js == nil || st == nil || keys == nil {
		return nil, errors.New("encryptor: JetStream, staging and keys are required")
	}
	if cfg.MinPartSize <= 0 {
		cfg.MinPartSize = S3MinPartSize
	}
	s, err := seal.NewSealer(cfg.Seal...)
	if err != nil {
		return nil, err
	}
	raw, err := seal.NewSealer(append(cfg.Seal, seal.WithoutCompression())...)
	if err != nil {
		return nil, err
	}
	framed, err := seal.NewSealer(append(cfg.Seal, seal.Precompressed())...)
	if err != nil {
		return nil, err
	}
	return &Service{js: js, staging: st, keys: keys, sealer: s, raw: raw, framed: framed, cfg: cfg}, nil
}

// Run consumes encrypt jobs until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	return jobs.NewWorker(s.js, jobs.Stage{Name: messages.StageEncrypt, Subject: messages.SubjectEncrypt}, s.handle, s.cfg.Worker).Run(ctx)
}

func (s *Service) handle(ctx context.Context, job *jobs.Job[messages.PartReady]) error {
	m := job.Msg
	key := staging.SealedKey(m.Artifact, m.Part)
	for attempt := 0; ; attempt++ {
		epoch := s.epoch()
		info, fresh, err := s.sealOnce(ctx, m, key)
		if err != nil {
			return err
		}
		release, ok := s.pin(epoch)
		if ok {
			defer release()
			return s.announce(ctx, job, info, key)
		}
		// The keyring changed while the part was sealed: seal it again
		// under the new epoch (a part sealed now was announced to no one).
		if fresh {
			if err := s.staging.Delete(ctx, key); err != nil {
				return err
			}
		}
		if attempt >= 2 {
			return jobs.RetryAfter(staleRetry, fmt.Errorf("seal %s part %d: the keyring changed while sealing", m.Artifact, m.Part))
		}
	}
}

// sealOnce seals the part, or reuses the sealed part already staged: sealing
// is randomised, and an uploader may already hold the first version's
// digest. A staged part whose key was destroyed since is not reused.
func (s *Service) sealOnce(ctx context.Context, m messages.PartReady, key string) (info staging.Info, fresh bool, err error) {
	info, err = s.staging.Stat(ctx, key)
	if err == nil {
		if _, kerr := s.keys.Key(info.Meta[metaKeyID]); kerr != nil {
			return info, false, s.keyError(m, kerr)
		}
		return info, false, nil
	}
	if !errors.Is(err, staging.ErrNotFound) {
		return info, false, err
	}
	if m.Encoding == messages.EncodingZstd {
		info, err = s.seal(ctx, m, key, s.framed)
		return info, err == nil, err
	}
	info, err = s.seal(ctx, m, key, s.sealer)
	if err == nil && !m.Last && info.Size < s.cfg.MinPartSize {
		if err = s.staging.Delete(ctx, key); err == nil {
			info, err = s.seal(ctx, m, key, s.raw)
		}
	}
	return info, err == nil, err
}

func (s *Service) epoch() uint64 {
	if e, ok := s.keys.(Epochs); ok {
		return e.Epoch()
	}
	return 0
}

func (s *Service) pin(epoch uint64) (release func(), ok bool) {
	if e, ok := s.keys.(Epochs); ok {
		return e.Pin(epoch)
	}
	return func() {}, true
}

// keyError says what the runtime should do when no key can be had: wait
// while the keyring catches up with a new epoch; give up at once when the
// tenant's keys were destroyed or there is no key at all.
func (s *Service) keyError(m messages.PartReady, err error) error {
	err = fmt.Errorf("seal %s part %d: %w", m.Artifact, m.Part, err)
	var unknown *seal.UnknownKeyError
	switch {
	case errors.Is(err, keyring.ErrStale):
		return jobs.RetryAfter(staleRetry, err)
	case errors.As(err, &unknown) && unknown.Destroyed:
		return jobs.Permanent(fmt.Errorf("%w: %w", keyring.ErrTenantErased, err))
	}
	return jobs.Permanent(err)
}

func (s *Service) announce(ctx context.Context, job *jobs.Job[messages.PartReady], info staging.Info, key string) error {
	m := job.Msg
	plain := m.Size
	if m.Encoding != "" {
		plain = m.PlainSize
	}
	sealed := messages.PartSealed{
		V: messages.Version, Artifact: m.Artifact, Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID,
		Part: m.Part, Last: m.Last, PlainSize: plain, Size: info.Size, SHA256: info.SHA256,
		KeyID: info.Meta[metaKeyID], StagingKey: key,
	}
	if err := job.Publisher.Publish(ctx, messages.UploadSubject(m.Artifact, m.Part), sealed, messages.PartSealedMsgID(m.Artifact, m.Part)); err != nil {
		return err
	}
	// Progress for whoever watches; a lost event costs a progress line.
	_ = job.Publisher.Event(ctx, messages.PartDone{Ref: m.Ref(), Stage: messages.StageEncrypt, Part: m.Part, Bytes: info.Size,
		Attempt: int(job.Delivered), Artifact: m.Artifact}.Event())
	return s.staging.Delete(ctx, m.StagingKey)
}

func (s *Service) seal(ctx context.Context, m messages.PartReady, key string, sealer *seal.Sealer) (staging.Info, error) {
	kek, err := s.keys.Primary(m.Tenant)
	if err != nil {
		return staging.Info{}, s.keyError(m, err)
	}
	src, plainInfo, err := s.staging.Get(ctx, m.StagingKey)
	if errors.Is(err, staging.ErrNotFound) {
		return staging.Info{}, jobs.Permanent(fmt.Errorf("seal %s part %d: plaintext part gone from staging (expired?): %w", m.Artifact, m.Part, err))
	}
	if err != nil {
		return staging.Info{}, err
	}
	defer src.Close()
	if plainInfo.SHA256 != m.SHA256 || plainInfo.Size != m.Size {
		return staging.Info{}, jobs.Permanent(fmt.Errorf("seal %s part %d: staged part does not match its announcement", m.Artifact, m.Part))
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := sealer.Seal(ctx, pw, jobs.ProgressReader(ctx, src), seal.Part{Artifact: m.Artifact, Index: uint32(m.Part), Last: m.Last}, kek)
		pw.CloseWithError(err)
	}()
	info, err := s.staging.Put(ctx, key, pr, map[string]string{metaKeyID: kek.ID})
	pr.CloseWithError(err)
	if errors.Is(err, seal.ErrNotFrame) {
		return staging.Info{}, jobs.Permanent(fmt.Errorf("seal %s part %d: %w", m.Artifact, m.Part, err))
	}
	if err != nil {
		return staging.Info{}, fmt.Errorf("seal %s part %d: %w", m.Artifact, m.Part, err)
	}
	return info, nil
}
