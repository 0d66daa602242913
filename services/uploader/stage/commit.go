package stage

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/staging"
)

// commit completes the upload of an artifact whose every part is uploaded
// and hashed, writes manifest.json, and hands the backup to the verifiers.
func (s *Stage) commit(ctx context.Context, job *jobs.Job[messages.PartSealed], up uploadRecord, total headRecord) error {
	m := job.Msg
	created, err := s.state.create(ctx, commitKey(m.BackupID), commitRecord{Artifact: m.Artifact})
	if err != nil {
		return err
	}
	if !created {
		var c commitRecord
		if _, err := s.state.get(ctx, commitKey(m.BackupID), &c); err != nil {
			return err
		}
		if c.Artifact != m.Artifact {
			return s.abandon(ctx, m)
		}
	}

	count := total.Total
	parts := make([]objstore.Part, count)
	man := backup.Manifest{
		FormatVersion: backup.FormatVersion, ToolVersion: s.cfg.ToolVersion, BackupID: m.BackupID, Artifact: m.Artifact,
		Kind: string(m.Kind), Tenant: m.Tenant, CreatedAt: up.CreatedAt, CommittedAt: s.now().UTC(),
		Object:       backup.Object{Key: up.Key, Size: total.Size},
		StorageClass: s.cfg.Policies[string(m.Kind)].StorageClass,
	}
	if p := s.cfg.Policies[string(m.Kind)]; p.Retain > 0 {
		man.RetainUntil = up.CreatedAt.Add(p.Retain)
	}
	keys := map[string]bool{}
	var offset int64
	for n := range count {
		var rec partRecord
		found, err := s.state.get(ctx, partKey(m.Artifact, n), &rec)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("commit %s: part %d is hashed but not recorded", m.Artifact, n)
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
	if man.Object.SHA256, err = sum(total); err != nil {
		return jobs.Permanent(fmt.Errorf("commit %s: %w", m.Artifact, err))
	}
	if err := s.complete(ctx, up, parts, total.Size); err != nil {
		return err
	}
	if man.Export, err = s.facts(ctx, m.Artifact); err != nil {
		return err
	}
	manifestKey := s.cfg.Layout.Manifest(string(m.Kind), m.Tenant, m.BackupID)
	doc, err := man.Marshal()
	if err != nil {
		return jobs.Permanent(err)
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
		Bytes: total.Size, Attrs: map[string]string{"object": up.Key, "manifest": manifestKey, "parts": fmt.Sprint(count), "plain_bytes": fmt.Sprint(man.PlainSize)},
	}); err != nil {
		return err
	}
	verify := messages.VerifyRequested{V: messages.Version, Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID, ManifestKey: manifestKey}
	if err := job.Publisher.Publish(ctx, messages.VerifySubject(m.BackupID), verify, messages.VerifyMsgID(m.BackupID)); err != nil {
		return err
	}
	if err := s.state.put(ctx, commitKey(m.BackupID), commitRecord{Artifact: m.Artifact, Committed: true}); err != nil {
		return err
	}
	s.state.forget(ctx, m.Artifact, count)
	return s.staging.Delete(ctx, staging.FactsKey(m.Artifact))
}

// complete completes the multipart upload, recognising one that a killed
// predecessor already completed.
func (s *Stage) complete(ctx context.Context, up uploadRecord, parts []objstore.Part, size int64) error {
	_, err := s.store.CompleteMultipart(ctx, up.Key, up.UploadID, parts)
	if errors.Is(err, objstore.ErrNoSuchUpload) {
		info, serr := s.store.Stat(ctx, up.Key)
		if serr == nil && info.Size == size {
			return nil
		}
		return jobs.Permanent(fmt.Errorf("complete %s: upload gone and no complete object: %w", up.Key, err))
	}
	if err != nil {
		return fmt.Errorf("complete %s: %w", up.Key, err)
	}
	return nil
}

// facts reads the exporter's facts for the manifest.
func (s *Stage) facts(ctx context.Context, artifact string) (json.RawMessage, error) {
	rc, _, err := s.staging.Get(ctx, staging.FactsKey(artifact))
	if errors.Is(err, staging.ErrNotFound) {
		return nil, jobs.Permanent(fmt.Errorf("commit %s: export facts missing from staging", artifact))
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return nil, err
	}
	if !json.Valid(b) {
		return nil, jobs.Permanent(fmt.Errorf("commit %s: export facts are not JSON", artifact))
	}
	return b, nil
}
