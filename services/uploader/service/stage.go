package service

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/sync/errgroup"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/staging"
)

// JetStream is what the stage needs of a JetStream context.
type JetStream interface {
	jobs.JetStream
	jetstream.KeyValueManager
}

// Service is a running uploader.
type Service struct {
	js      JetStream
	staging *staging.Store
	store   objstore.Store
	keys    backup.Keys
	state   *state
	cfg     Config
	now     func() time.Time
	budget  *jobs.Budget // Config.MaxBytesInFlight
}

// Deps are the uploader's connections: JetStream (JOBS, EVENTS and the
// uploads KV bucket), the sealed staging bucket and the bucket it writes.
type Deps struct {
	JS      JetStream
	Staging *staging.Store
	Store   objstore.Store
	// Keys seal each manifest under the primary key of the backup's scope
	// (with a KMS-backed keyring, encrypt rights suffice).
	Keys backup.Keys
}

// New builds the service without touching the network.
func New(d Deps, cfg Config) (*Service, error) {
	var errs []error
	if d.JS == nil || d.Staging == nil || d.Store == nil {
		errs = append(errs, errors.New("uploader: JetStream, staging and store are required"))
	}
	if d.Keys == nil {
		errs = append(errs, errors.New("uploader: keys are required to seal manifests"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Service{js: d.JS, staging: d.Staging, store: d.Store, keys: d.Keys, cfg: cfg.withDefaults(), now: time.Now,
		budget: jobs.NewBudget(cfg.MaxBytesInFlight)}, nil
}

// Run opens the uploads bucket, then consumes upload jobs, and copy jobs
// when there are further destinations, until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	st, err := ensureState(ctx, s.js, s.cfg.StateReplicas)
	if err != nil {
		return err
	}
	s.state = st
	upload := jobs.NewWorker(s.js, jobs.Stage{Name: messages.StageUpload, Subject: messages.SubjectUpload}, s.handle, s.cfg.Worker)
	if len(s.cfg.Copies) == 0 {
		return upload.Run(ctx)
	}
	// The copy jobs to further destinations: a consumer of their own.
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return upload.Run(ctx) })
	g.Go(func() error {
		return jobs.NewWorker(s.js, jobs.Stage{Name: messages.StageCopy, Subject: messages.SubjectCopy}, s.handleCopy, s.cfg.Worker).Run(ctx)
	})
	return g.Wait()
}

func (s *Service) handle(ctx context.Context, job *jobs.Job[messages.PartSealed]) error {
	m := job.Msg
	var commit commitRecord
	claimed, err := s.state.get(ctx, commitKey(m.BackupID), &commit)
	if err != nil {
		return err
	}
	if claimed && commit.Artifact != m.Artifact {
		// Another attempt of this backup is committing it; this one is
		// abandoned.
		return s.abandon(ctx, m)
	}
	if claimed && commit.Committed {
		// A late redelivery, perhaps of the committer killed before its
		// clean-up: the facts go too (finish deletes them last).
		if err := s.staging.Delete(ctx, staging.FactsKey(m.Artifact)); err != nil {
			return err
		}
		return s.staging.Delete(ctx, m.StagingKey)
	}
	release, err := s.budget.Take(ctx, m.Size)
	if err != nil {
		return err
	}
	defer release()
	if m.Part == 0 && m.Last {
		return s.single(ctx, job)
	}

	up, err := s.upload(ctx, m)
	if err != nil {
		return err
	}
	if err := s.uploadPart(ctx, m, up); err != nil {
		return err
	}
	// Progress for whoever watches; a lost event costs a progress line.
	_ = job.Publisher.Event(ctx, messages.PartDone{Ref: m.Ref(), Stage: messages.StageUpload, Part: m.Part, Bytes: m.Size,
		Attempt: int(job.Delivered), Artifact: m.Artifact}.Event())
	head, err := s.advance(ctx, m.Artifact)
	if err != nil || head == nil {
		return err
	}
	return s.commit(ctx, job, up, *head)
}

// upload returns the artifact's multipart upload, creating it once.
func (s *Service) upload(ctx context.Context, m messages.PartSealed) (uploadRecord, error) {
	var rec uploadRecord
	key := artifactKey(m.Artifact, "upload")
	if found, err := s.state.get(ctx, key, &rec); err != nil || found {
		return rec, err
	}
	obj := s.cfg.Layout.Data(string(m.Kind), m.Tenant, m.BackupID)
	// Said before the upload exists, so that whichever attempt commits
	// the backup, a one-part one included, looks for it (abortSuperseded).
	if err := s.state.put(ctx, multipartKey(m.BackupID), struct{}{}); err != nil {
		return rec, err
	}
	id, err := s.store.CreateMultipart(ctx, obj, s.objectOptions(m)...)
	if err != nil {
		return rec, fmt.Errorf("upload %s: create multipart: %w", m.Artifact, err)
	}
	rec = uploadRecord{Key: obj, UploadID: id, CreatedAt: s.now().UTC()}
	created, err := s.state.create(ctx, key, rec)
	if err != nil || created {
		return rec, err
	}
	// Another replica created one first: use theirs, drop ours. Ours only:
	// a create whose first answer was lost and that found its own record
	// must not abort the upload every handler is about to use.
	var theirs uploadRecord
	found, err := s.state.get(ctx, key, &theirs)
	if err != nil {
		return rec, err
	}
	if !found {
		return rec, fmt.Errorf("upload %s: the upload record is not readable yet", m.Artifact)
	}
	if theirs.UploadID != id {
		_ = s.store.AbortMultipart(ctx, obj, id)
	}
	return theirs, nil
}

// uploadPart puts the sealed part into the upload once.
func (s *Service) uploadPart(ctx context.Context, m messages.PartSealed, up uploadRecord) error {
	var rec partRecord
	if found, err := s.state.get(ctx, partKey(m.Artifact, m.Part), &rec); err != nil || found {
		return err
	}
	src, info, err := s.staging.Get(ctx, m.StagingKey)
	if errors.Is(err, staging.ErrNotFound) {
		return jobs.Permanent(fmt.Errorf("upload %s part %d: sealed part gone from staging: %w", m.Artifact, m.Part, err))
	}
	if err != nil {
		return err
	}
	defer func() { _ = src.Close() }() // read side: a close error loses nothing
	if info.SHA256 != m.SHA256 || info.Size != m.Size {
		return jobs.Permanent(fmt.Errorf("upload %s part %d: staged part does not match its announcement", m.Artifact, m.Part))
	}
	sum, _ := hex.DecodeString(m.SHA256)
	p, err := s.store.UploadPart(ctx, up.Key, up.UploadID, m.Part+1, jobs.ProgressReader(ctx, src), m.Size, sum)
	if errors.Is(err, objstore.ErrNoSuchUpload) {
		return jobs.Permanent(fmt.Errorf("upload %s part %d: the multipart upload is gone (aborted by prune?): %w", m.Artifact, m.Part, err))
	}
	if err != nil {
		return fmt.Errorf("upload %s part %d: %w", m.Artifact, m.Part, err)
	}
	// The first record stays: a second copy (same bytes, same ETag) comes
	// from another delivery of the job.
	created, err := s.state.create(ctx, partKey(m.Artifact, m.Part), partRecord{
		Number: p.Number, Last: m.Last, ETag: p.ETag, SHA256: m.SHA256, Size: m.Size, PlainSize: m.PlainSize, KeyID: m.KeyID,
	})
	if err != nil {
		return err
	}
	// A second copy, or one sent while the backup was committed (its
	// records forgotten since), may have landed after the upload completed
	// and re-created it: versitygw links a late part into a new directory
	// of the same id, which nothing will complete and no listing may show.
	// The object being there means the upload id holds nothing else: abort
	// it. (A copy linked while the completion runs is in a listed upload,
	// which the committer's abortSuperseded removes.)
	late := !created
	if !late {
		late, _ = s.committedBy(ctx, m)
	}
	if late {
		if _, err := s.store.Stat(ctx, up.Key); err == nil {
			s.abortRecreated(ctx, up)
		}
	}
	return nil
}

// abandon aborts an artifact attempt that lost the commit to another.
func (s *Service) abandon(ctx context.Context, m messages.PartSealed) error {
	var up uploadRecord
	if found, _ := s.state.get(ctx, artifactKey(m.Artifact, "upload"), &up); found {
		_ = s.store.AbortMultipart(ctx, up.Key, up.UploadID)
	}
	return s.staging.Delete(ctx, m.StagingKey)
}

// manifestOptions are the settings of the backup's manifest in the
// primary: the object's less the storage class.
func (s *Service) manifestOptions(m messages.PartSealed) []objstore.Option {
	return s.primary().Manifest(string(m.Kind), m.Tenant, s.now())
}

// objectOptions are the settings of the backup's object in the primary.
func (s *Service) objectOptions(m messages.PartSealed) []objstore.Option {
	return s.primary().Object(string(m.Kind), m.Tenant, s.now())
}

// primary is how the primary writes backups.
func (s *Service) primary() backup.Writes {
	return backup.Writes{Policies: s.cfg.Policies, SSEKMSKeyID: s.cfg.SSEKMSKeyID}
}
