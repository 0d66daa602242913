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
	// MaxBytesInFlight bounds the bytes of the parts a replica seals at
	// once, whatever its Worker.Slots (a part and its sealed form are held
	// in memory): many small parts at once, few large ones. 0: no bound
	// but the slots.
	MaxBytesInFlight int64
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
	budget  *jobs.Budget // Config.MaxBytesInFlight
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
	return &Service{js: js, staging: st, keys: keys, sealer: s, raw: raw, framed: framed, cfg: cfg, budget: jobs.NewBudget(cfg.MaxBytesInFlight)}, nil
}

// Run consumes encrypt jobs until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	return jobs.NewWorker(s.js, jobs.Stage{Name: messages.StageEncrypt, Subject: messages.SubjectEncrypt}, s.handle, s.cfg.Worker).Run(ctx)
}

func (s *Service) handle(ctx context.Context, job *jobs.Job[messages.PartReady]) error {
	m := job.Msg
	release, err := s.budget.Take(ctx, m.Size) // a framed part is sealed as it is, never decompressed
	if err != nil {
		return err
	}
	defer release()
	key := staging.SealedKey(m.Artifact, m.Part)
	for attempt := 0; ; attempt++ {
		epoch := s.epoch()
		info, fresh, err := s.sealOnce(ctx, m, key)
		if errors.Is(err, errHandedOn) {
			return nil
		}
		if err != nil {
			return err
		}
		release, ok := s.pin(epoch)
		if ok {
			defer release()
			return s.announce(ctx, job, info, key)
		}
		// The keyring changed while the part was sealed: seal it again
		// under the new epoch, unless another delivery of the job has
		// claimed the part meanwhile (found it stored and announced it, or
		// is about to): the first announcement stands, so that part stays
		// and is announced again under the new epoch if its key still
		// opens it. Deleting it unconditionally lost the announced part.
		if fresh {
			err := s.staging.DeleteUnchanged(ctx, key, info.Revision)
			if err != nil && !errors.Is(err, staging.ErrChanged) {
				return err
			}
		}
		if attempt >= 2 {
			return jobs.RetryAfter(staleRetry, fmt.Errorf("seal %s part %d: the keyring changed while sealing", m.Artifact, m.Part))
		}
	}
}

// errHandedOn says the part is neither in plaintext nor sealed in staging:
// an earlier delivery of the job sealed it, deleted the plaintext and
// announced it, and the uploader has since taken the sealed part.
var errHandedOn = errors.New("sealed and handed on by an earlier delivery")

// sealOnce seals the part, or reuses the sealed part already staged: sealing
// is randomised, and an uploader may already hold the first version's
// digest. A staged part whose key was destroyed since is not reused.
//
// A part found stored is claimed (staging.Claim) before it is announced,
// so that the delivery that stored it, if the keyring changed under it,
// no longer deletes it to seal it again.
//
// The sealed part is written with staging's Create, never over another:
// two deliveries of one job can run at once (a redelivery while the first
// is cut off from the cluster), and the slower one, having found nothing,
// used to replace the part the faster one had announced, so that the
// uploader found different bytes under the announced digest and
// dead-lettered the part. The slower one now finds the part there and
// announces that one (a duplicate of the first announcement).
func (s *Service) sealOnce(ctx context.Context, m messages.PartReady, key string) (info staging.Info, fresh bool, err error) {
	for {
		info, err = s.staging.Claim(ctx, key)
		if err == nil {
			if _, kerr := s.keys.Key(info.Meta[metaKeyID]); kerr != nil {
				return info, false, s.keyError(m, kerr)
			}
			return info, false, nil
		}
		if !errors.Is(err, staging.ErrNotFound) {
			return info, false, err
		}
		info, err = s.sealNew(ctx, m, key)
		switch {
		case errors.Is(err, staging.ErrExists), errors.Is(err, staging.ErrReplaced):
			continue // another delivery stored it first: announce theirs
		case errors.Is(err, errPlainGone):
			// Sealed by another delivery, or sealed, announced and taken
			// by the uploader already: the plaintext is deleted only once
			// the sealed part is stored.
			if _, serr := s.staging.Stat(ctx, key); serr == nil {
				continue
			}
			return info, false, errHandedOn
		}
		return info, err == nil, err
	}
}

// sealNew seals the part into staging. A plaintext part (PartReady version
// 1) that compresses below the minimum part size is sealed without
// compression; its sealed size is measured first, so that no sealed part
// is ever stored and then replaced.
func (s *Service) sealNew(ctx context.Context, m messages.PartReady, key string) (staging.Info, error) {
	if m.Encoding == messages.EncodingZstd {
		return s.seal(ctx, m, key, s.framed)
	}
	sealer := s.sealer
	if !m.Last {
		n, err := s.sealedSize(ctx, m, s.sealer)
		if err != nil {
			return staging.Info{}, err
		}
		if n < s.cfg.MinPartSize {
			sealer = s.raw
		}
	}
	return s.seal(ctx, m, key, sealer)
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
		V: messages.Version, ArtifactPart: m.ArtifactPart, PlainSize: plain, Size: info.Size, SHA256: info.SHA256,
		KeyID: info.Meta[metaKeyID], StagingKey: key,
	}
	// The plaintext goes before the announcement: once the uploader may
	// have the sealed part (and delete it), a redelivery must not find the
	// plaintext without the sealed part and seal it again. A redelivery
	// that finds neither knows the part was handed on (errHandedOn).
	if err := s.staging.Delete(ctx, m.StagingKey); err != nil {
		return err
	}
	if err := job.Publisher.Publish(ctx, messages.UploadSubject(m.Artifact, m.Part), sealed, messages.PartSealedMsgID(m.Artifact, m.Part)); err != nil {
		return err
	}
	// Progress for whoever watches; a lost event costs a progress line.
	_ = job.Publisher.Event(ctx, messages.PartDone{Ref: m.Ref(), Stage: messages.StageEncrypt, Part: m.Part, Bytes: info.Size,
		Attempt: int(job.Delivered), Artifact: m.Artifact}.Event())
	return nil
}

// errPlainGone says the plaintext part is not in staging.
var errPlainGone = errors.New("plaintext part gone from staging")

// plain opens the plaintext part and checks it against the job.
//
// It claims the part first (staging.Claim): an exporter whose attempt
// failed deletes the parts it stored only if no encryptor has claimed them
// (staging.PartWriter.Discard), so a part is never deleted under a read
// that could still seal and announce it.
func (s *Service) plain(ctx context.Context, m messages.PartReady) (io.ReadCloser, error) {
	if _, err := s.staging.Claim(ctx, m.StagingKey); err != nil && !errors.Is(err, staging.ErrNotFound) {
		return nil, err
	}
	src, plainInfo, err := s.staging.Get(ctx, m.StagingKey)
	if errors.Is(err, staging.ErrNotFound) {
		return nil, fmt.Errorf("seal %s part %d: %w: %w", m.Artifact, m.Part, errPlainGone, err)
	}
	if err != nil {
		return nil, err
	}
	if plainInfo.SHA256 != m.SHA256 || plainInfo.Size != m.Size {
		_ = src.Close()
		return nil, jobs.Permanent(fmt.Errorf("seal %s part %d: staged part does not match its announcement", m.Artifact, m.Part))
	}
	return src, nil
}

// sealedSize seals the part into nothing and returns its sealed size.
func (s *Service) sealedSize(ctx context.Context, m messages.PartReady, sealer *seal.Sealer) (int64, error) {
	kek, err := s.keys.Primary(m.Tenant)
	if err != nil {
		return 0, s.keyError(m, err)
	}
	src, err := s.plain(ctx, m)
	if err != nil {
		return 0, err
	}
	defer func() { _ = src.Close() }() // read side: a close error loses nothing
	st, err := sealer.Seal(ctx, io.Discard, jobs.ProgressReader(ctx, src), seal.Part{Artifact: m.Artifact, Index: uint32(m.Part), Last: m.Last}, kek)
	if err != nil {
		return 0, fmt.Errorf("seal %s part %d: %w", m.Artifact, m.Part, err)
	}
	return st.Sealed, nil
}

func (s *Service) seal(ctx context.Context, m messages.PartReady, key string, sealer *seal.Sealer) (staging.Info, error) {
	kek, err := s.keys.Primary(m.Tenant)
	if err != nil {
		return staging.Info{}, s.keyError(m, err)
	}
	src, err := s.plain(ctx, m)
	if err != nil {
		return staging.Info{}, err
	}
	defer func() { _ = src.Close() }() // read side: a close error loses nothing
	pr, pw := io.Pipe()
	go func() {
		_, err := sealer.Seal(ctx, pw, jobs.ProgressReader(ctx, src), seal.Part{Artifact: m.Artifact, Index: uint32(m.Part), Last: m.Last}, kek)
		pw.CloseWithError(err)
	}()
	info, err := s.staging.Create(ctx, key, pr, map[string]string{metaKeyID: kek.ID})
	pr.CloseWithError(err)
	if errors.Is(err, seal.ErrNotFrame) {
		return staging.Info{}, jobs.Permanent(fmt.Errorf("seal %s part %d: %w", m.Artifact, m.Part, err))
	}
	if err != nil {
		return staging.Info{}, fmt.Errorf("seal %s part %d: %w", m.Artifact, m.Part, err)
	}
	return info, nil
}
