package service

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/staging"
)

// claimOrAbandon makes this artifact the one that commits its backup (a KV
// create: one attempt of a backup wins). When another attempt holds the
// claim, this one is abandoned (abandon) and won is false: the caller
// returns err, nil once the abandonment is done.
func (s *Service) claimOrAbandon(ctx context.Context, m messages.PartSealed) (won bool, err error) {
	created, err := s.state.create(ctx, commitKey(m.BackupID), commitRecord{Artifact: m.Artifact})
	if err != nil {
		return false, err
	}
	if !created {
		var c commitRecord
		if _, err := s.state.get(ctx, commitKey(m.BackupID), &c); err != nil {
			return false, err
		}
		if c.Artifact != m.Artifact {
			return false, s.abandon(ctx, m)
		}
	}
	return true, nil
}

// newManifest starts the manifest of a backup.
func (s *Service) newManifest(m messages.PartSealed, created time.Time) backup.Manifest {
	man := backup.Manifest{
		FormatVersion: backup.FormatVersion, ToolVersion: s.cfg.ToolVersion, BackupID: m.BackupID, Artifact: m.Artifact,
		Kind: string(m.Kind), Tenant: m.Tenant, CreatedAt: created, CommittedAt: s.now().UTC(),
		Object:       backup.Object{Key: s.cfg.Layout.Data(string(m.Kind), m.Tenant, m.BackupID)},
		StorageClass: s.cfg.Policies[string(m.Kind)].StorageClass,
	}
	if p := s.cfg.Policies[string(m.Kind)]; p.Retain > 0 {
		man.RetainUntil = created.Add(p.Retain)
	}
	return man
}

// single commits an artifact of one part without a multipart upload: one
// PutObject with its SHA-256, whose digest is the whole object's. Most
// tenants' artifacts are one part, and a multipart upload would cost three
// requests and, on some servers, a copy on completion.
func (s *Service) single(ctx context.Context, job *jobs.Job[messages.PartSealed]) error {
	m := job.Msg
	if won, err := s.claimOrAbandon(ctx, m); !won {
		return err
	}
	man := s.newManifest(m, s.now().UTC())
	src, info, err := s.staging.Get(ctx, m.StagingKey)
	if errors.Is(err, staging.ErrNotFound) {
		// Gone from staging: a predecessor stored it and was cut short
		// after deleting it. The object must then be complete.
		if st, serr := s.store.Stat(ctx, man.Object.Key); serr == nil && st.Size == m.Size {
			return s.finish(ctx, job, s.singlePart(man, m), 1)
		}
		return jobs.Permanent(fmt.Errorf("upload %s part 0: sealed part gone from staging: %w", m.Artifact, err))
	}
	if err != nil {
		return err
	}
	defer func() { _ = src.Close() }() // read side: a close error loses nothing
	if info.SHA256 != m.SHA256 || info.Size != m.Size {
		return jobs.Permanent(fmt.Errorf("upload %s part 0: staged part does not match its announcement", m.Artifact))
	}
	// A store may put a large object as a multipart upload of its own
	// (s3store above its part size, never below the S3 minimum): said
	// first, as upload does, so that an attempt killed mid-put leaves an
	// upload the committing attempt looks for and aborts.
	if m.Size > objstore.MinPartSize {
		if err := s.state.put(ctx, multipartKey(m.BackupID), struct{}{}); err != nil {
			return err
		}
	}
	sum, _ := hex.DecodeString(m.SHA256)
	if _, err := s.store.Put(ctx, man.Object.Key, src, m.Size, append(s.objectOptions(m), objstore.WithSHA256(sum))...); err != nil {
		return fmt.Errorf("upload %s: %w", m.Artifact, err)
	}
	_ = job.Publisher.Event(ctx, messages.PartDone{Ref: m.Ref(), Stage: messages.StageUpload, Part: 0, Bytes: m.Size,
		Attempt: int(job.Delivered), Artifact: m.Artifact}.Event())
	if err := s.finish(ctx, job, s.singlePart(man, m), 1); err != nil {
		return err
	}
	return s.staging.Delete(ctx, m.StagingKey)
}

func (s *Service) singlePart(man backup.Manifest, m messages.PartSealed) backup.Manifest {
	man.Object.Size, man.Object.SHA256 = m.Size, m.SHA256
	man.Object.Parts = []backup.Part{{Index: 0, Size: m.Size, SHA256: m.SHA256, PlainSize: m.PlainSize, KeyID: m.KeyID}}
	man.PlainSize, man.KeyIDs = m.PlainSize, []string{m.KeyID}
	return man
}

// commit completes the upload of an artifact whose every part is uploaded
// and hashed, writes manifest.json, and hands the backup to the verifiers.
func (s *Service) commit(ctx context.Context, job *jobs.Job[messages.PartSealed], up uploadRecord, total headRecord) error {
	m := job.Msg
	if won, err := s.claimOrAbandon(ctx, m); !won {
		return err
	}
	if done, err := s.committedBy(ctx, m); err != nil || done {
		return err
	}

	count := total.Total
	parts := make([]objstore.Part, count)
	man := s.newManifest(m, up.CreatedAt)
	man.Object.Key, man.Object.Size = up.Key, total.Size
	keys := map[string]bool{}
	var offset int64
	for n := range count {
		var rec partRecord
		found, err := s.state.get(ctx, partKey(m.Artifact, n), &rec)
		if err != nil {
			return err
		}
		if !found {
			return s.alreadyCommitted(ctx, m, fmt.Errorf("commit %s: part %d is hashed but not recorded", m.Artifact, n))
		}
		sum, err := hex.DecodeString(rec.SHA256)
		if err != nil {
			return jobs.Permanent(fmt.Errorf("commit %s: part %d checksum: %w", m.Artifact, n, err))
		}
		parts[n] = objstore.Part{Number: rec.Number, ETag: rec.ETag, Size: rec.Size, SHA256: sum}
		man.Object.Parts = append(man.Object.Parts, backup.Part{
			Index: n, Offset: offset, Size: rec.Size, SHA256: rec.SHA256, PlainSize: rec.PlainSize, KeyID: rec.KeyID,
		})
		offset += rec.Size
		man.PlainSize += rec.PlainSize
		if !keys[rec.KeyID] {
			keys[rec.KeyID] = true
			man.KeyIDs = append(man.KeyIDs, rec.KeyID)
		}
	}
	var err error
	if man.Object.SHA256, err = sum(total); err != nil {
		return jobs.Permanent(fmt.Errorf("commit %s: %w", m.Artifact, err))
	}
	if err := s.complete(ctx, up, parts, total.Size); err != nil {
		return err
	}
	return s.finish(ctx, job, man, count)
}

// finish writes the manifest (the commit point), publishes the committed
// event and the verify job, and forgets the artifact's upload state.
func (s *Service) finish(ctx context.Context, job *jobs.Job[messages.PartSealed], man backup.Manifest, count int) error {
	m := job.Msg
	var err error
	if man.Export, err = s.facts(ctx, m.Artifact); err != nil {
		return s.alreadyCommitted(ctx, m, err)
	}
	if err := s.confirmObject(ctx, man); err != nil {
		return err
	}
	if err := man.Validate(); err != nil {
		return jobs.Permanent(fmt.Errorf("manifest %s: %w", m.BackupID, err))
	}
	manifestKey, doc, err := s.cfg.Layout.SealManifest(ctx, man, s.keys)
	if err != nil {
		return fmt.Errorf("commit %s: %w", m.BackupID, err)
	}
	// The manifest is the commit point: written last, after the object. It
	// stays in the standard class whatever the kind's, so that listing,
	// verifying, pruning and rebuilding the catalog never wait for an
	// archive restore.
	if _, err := s.store.Put(ctx, manifestKey, bytes.NewReader(doc), int64(len(doc)), s.manifestOptions(m)...); err != nil {
		return fmt.Errorf("commit %s: manifest: %w", m.BackupID, err)
	}

	if err := job.Publisher.Event(ctx, messages.Event{
		Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID, Stage: messages.StageUpload, Status: messages.StatusSucceeded,
		Bytes: man.Object.Size, Attrs: map[string]string{"object": man.Object.Key, "manifest": manifestKey, "parts": fmt.Sprint(count), "plain_bytes": fmt.Sprint(man.PlainSize)},
	}); err != nil {
		return err
	}
	verify := messages.VerifyRequested{V: messages.Version, Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID, ManifestKey: manifestKey}
	if err := job.Publisher.Publish(ctx, messages.VerifySubject(m.BackupID), verify, messages.VerifyMsgID(m.BackupID)); err != nil {
		return err
	}
	if err := s.requestCopies(ctx, job.Publisher, man, manifestKey); err != nil {
		return err
	}
	if err := s.state.put(ctx, commitKey(m.BackupID), commitRecord{Artifact: m.Artifact, Committed: true}); err != nil {
		return err
	}
	if count > 1 || s.multipartStarted(ctx, m.BackupID) {
		s.abortSuperseded(ctx, man.Object.Key)
	}
	if count > 1 {
		// A one-part artifact (single) recorded no upload, head or part.
		s.state.forget(ctx, m.Artifact, count)
	}
	return s.staging.Delete(ctx, staging.FactsKey(m.Artifact))
}

// complete completes the multipart upload, recognising one that a killed
// predecessor or a concurrent committer already completed.
//
// Such a completion can be answered NoSuchUpload, InvalidPart, or even
// InternalError: when an UploadPart of a part already recorded (a duplicate
// from another delivery of its upload job, still sending) finishes after the
// upload completed, versitygw links it into a re-created directory of the
// same upload id, so the upload exists again with that part alone, and every
// later completion fails (InvalidPart when a part before it is missing, 500
// when it is the first: the chaos run's casa-01). Whatever the failure, the
// object in the bucket with the artifact's size is the answer (finish then
// checks its composite checksum); the upload id can then hold only such a
// late copy, which nothing will complete, so it is aborted. No failure
// aborts an upload whose object is not there: it stays for the next
// delivery.
func (s *Service) complete(ctx context.Context, up uploadRecord, parts []objstore.Part, size int64) error {
	_, err := s.store.CompleteMultipart(ctx, up.Key, up.UploadID, parts)
	if err == nil {
		return nil
	}
	gone, invalid := errors.Is(err, objstore.ErrNoSuchUpload), errors.Is(err, objstore.ErrInvalidPart)
	var info objstore.ObjectInfo
	var serr error
	if gone || invalid {
		// Completed by another, whose object may take a moment to show.
		info, serr = s.waitVisible(ctx, up.Key)
	} else {
		info, serr = s.store.Stat(ctx, up.Key)
	}
	if serr == nil && info.Size == size {
		if !gone {
			s.abortRecreated(ctx, up)
		}
		return nil
	}
	switch {
	case gone:
		return jobs.Permanent(fmt.Errorf("complete %s: upload gone and no complete object: %w", up.Key, err))
	case errors.Is(err, objstore.ErrPartTooSmall):
		return jobs.Permanent(fmt.Errorf("complete %s: %w", up.Key, err))
	case invalid:
		return fmt.Errorf("complete %s: a recorded part is not in the upload and no complete object: %w", up.Key, err)
	}
	return fmt.Errorf("complete %s: %w", up.Key, err)
}

// abortRecreated aborts what is left under the id of an upload whose object
// is complete: at most an upload re-created by a late duplicate part, which
// nothing will complete and which versitygw may not even list (so neither
// abortSuperseded nor prune would find it). Aborting a completed upload's
// id touches nothing else. Best effort.
func (s *Service) abortRecreated(ctx context.Context, up uploadRecord) {
	_ = s.store.AbortMultipart(ctx, up.Key, up.UploadID)
}

// facts reads the exporter's facts for the manifest.
func (s *Service) facts(ctx context.Context, artifact string) (json.RawMessage, error) {
	rc, _, err := s.staging.Get(ctx, staging.FactsKey(artifact))
	if errors.Is(err, staging.ErrNotFound) {
		return nil, jobs.Permanent(fmt.Errorf("commit %s: export facts missing from staging", artifact))
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	b, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return nil, err
	}
	if !json.Valid(b) {
		return nil, jobs.Permanent(fmt.Errorf("commit %s: export facts are not JSON", artifact))
	}
	return b, nil
}
