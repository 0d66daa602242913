package stage

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/staging"
)

// Keys gives the key that seals a tenant's parts: the tenant's own key
// where it has one (crypto-erasure), else the default primary.
type Keys interface {
	Primary(tenant string) (seal.KEK, error)
}

// metaKeyID records, on a staged sealed part, which key sealed it.
const metaKeyID = "key-id"

// Config of the encryptor stage.
type Config struct {
	// MinPartSize is the smallest sealed part a multipart upload accepts
	// (except the last part): S3's 5 MiB, which every store enforces. A part
	// that compresses below it is sealed without compression instead, which
	// keeps it at least at its plaintext size (the exporter's part size is
	// at least the minimum). 0 takes S3MinPartSize.
	MinPartSize int64
	Seal        []seal.Option
	Worker      jobs.Config
}

// S3MinPartSize is S3's minimum multipart part size.
const S3MinPartSize = 5 << 20

// Stage is a running encryptor.
type Stage struct {
	js      jobs.JetStream
	staging *staging.Store
	keys    Keys
	sealer  *seal.Sealer
	raw     *seal.Sealer
	cfg     Config
}

// New builds the stage.
func New(js jobs.JetStream, st *staging.Store, keys Keys, cfg Config) (*Stage, error) {
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
	return &Stage{js: js, staging: st, keys: keys, sealer: s, raw: raw, cfg: cfg}, nil
}

// Run consumes encrypt jobs until ctx ends.
func (s *Stage) Run(ctx context.Context) error {
	return jobs.NewWorker(s.js, jobs.Stage{Name: messages.StageEncrypt, Subject: messages.SubjectEncrypt}, s.handle, s.cfg.Worker).Run(ctx)
}

func (s *Stage) handle(ctx context.Context, job *jobs.Job[messages.PartReady]) error {
	m := job.Msg
	key := staging.SealedKey(m.Artifact, m.Part)
	// A sealed part already staged is reused, never sealed again: sealing is
	// randomised, and an uploader may already hold the first version's
	// digest.
	info, err := s.staging.Stat(ctx, key)
	if errors.Is(err, staging.ErrNotFound) {
		info, err = s.seal(ctx, m, key, s.sealer)
		if err == nil && !m.Last && info.Size < s.cfg.MinPartSize {
			if err = s.staging.Delete(ctx, key); err == nil {
				info, err = s.seal(ctx, m, key, s.raw)
			}
		}
	}
	if err != nil {
		return err
	}
	sealed := messages.PartSealed{
		V: messages.Version, Artifact: m.Artifact, Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID,
		Part: m.Part, Last: m.Last, PlainSize: m.Size, Size: info.Size, SHA256: info.SHA256,
		KeyID: info.Meta[metaKeyID], StagingKey: key,
	}
	if err := job.Publisher.Publish(ctx, messages.UploadSubject(m.Artifact, m.Part), sealed, messages.PartSealedMsgID(m.Artifact, m.Part)); err != nil {
		return err
	}
	return s.staging.Delete(ctx, m.StagingKey)
}

func (s *Stage) seal(ctx context.Context, m messages.PartReady, key string, sealer *seal.Sealer) (staging.Info, error) {
	kek, err := s.keys.Primary(m.Tenant)
	if err != nil {
		// A destroyed tenant key, or no key at all: retrying cannot help.
		return staging.Info{}, jobs.Permanent(fmt.Errorf("seal %s part %d: %w", m.Artifact, m.Part, err))
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
	if err != nil {
		return staging.Info{}, fmt.Errorf("seal %s part %d: %w", m.Artifact, m.Part, err)
	}
	return info, nil
}
