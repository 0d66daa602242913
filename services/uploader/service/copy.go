package service

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
)

// requestCopies publishes one copy job per further destination that takes
// the backup's kind. Their ids are deterministic, so a redelivered commit
// publishes each once.
func (s *Service) requestCopies(ctx context.Context, pub *jobs.Publisher, man backup.Manifest, manifestKey string) error {
	for _, c := range s.cfg.Copies {
		if !c.Takes(man.Kind) {
			continue
		}
		req := messages.CopyRequested{V: messages.Version, Tenant: man.Tenant, Kind: messages.Kind(man.Kind), BackupID: man.BackupID,
			ObjectKey: man.Object.Key, ManifestKey: manifestKey, Size: man.Object.Size, SHA256: man.Object.SHA256, Destination: c.Name}
		if err := pub.Publish(ctx, messages.CopySubject(man.BackupID, c.Name), req, messages.CopyMsgID(man.BackupID, c.Name)); err != nil {
			return err
		}
	}
	return nil
}

// copyFailuresBeforeAlert is how many attempts in a row a copy fails
// before its failed event (and the copy-missing page) is published: a blip
// that the next retry gets past pages nobody.
const copyFailuresBeforeAlert = 3

// copyRetryMax bounds the wait between attempts on a destination that is
// down: it is retried for jobs.Config.RetryFor (6h by default), then
// dead-lettered.
const copyRetryMax = 5 * time.Minute

// handleCopy copies one committed backup from the primary to one
// destination: the object, checked against the manifest's SHA-256 as the
// destination stores it, then the manifest, the copy's commit point. The
// manifest is bound to its key, which is the same in every destination, so
// it is copied as it is. A copy that fails is retried on its own; from
// its third failed attempt on (at once when the primary's bytes are not
// the manifest's), each failure says so (a copy-missing alert). Success
// asks for the copy's verification.
func (s *Service) handleCopy(ctx context.Context, job *jobs.Job[messages.CopyRequested]) error {
	m := job.Msg
	c, ok := s.copy(m.Destination)
	if !ok {
		return jobs.Permanent(fmt.Errorf("copy %s to %s: no such destination in this uploader's configuration", m.BackupID, m.Destination))
	}
	sum, err := hex.DecodeString(m.SHA256)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("copy %s: sha256: %w", m.BackupID, err))
	}
	w := c.Writes(s.cfg.Policies)
	store := progressStore{c.Store}
	_, err = destinations.Copy(ctx, s.store, store, m.ObjectKey, sum, w.Object(string(m.Kind), m.Tenant, s.now())...)
	if err == nil {
		err = destinations.CopyDocument(ctx, s.store, store, m.ManifestKey, w.Manifest(string(m.Kind), m.Tenant, s.now())...)
	}
	attrs := map[string]string{messages.DestinationAttr: c.Name, "object": m.ObjectKey, "manifest": m.ManifestKey}
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		hopeless := errors.Is(err, objstore.ErrChecksumMismatch)
		if hopeless || job.Delivered >= copyFailuresBeforeAlert {
			if perr := job.Publisher.Event(ctx, messages.Event{Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID, Stage: messages.StageCopy,
				Status: messages.StatusFailed, Error: err.Error(), Attempt: int(job.Delivered), Attrs: attrs}); perr != nil {
				return perr
			}
		}
		if hopeless {
			// The primary's bytes are not the manifest's: copying them again
			// cannot help, and the primary's verification says why.
			return jobs.Permanent(fmt.Errorf("copy %s to %s: %w", m.BackupID, c.Name, err))
		}
		delay := min(time.Duration(1<<min(job.Delivered, 16))*time.Second, copyRetryMax)
		return jobs.RetryAfter(delay, fmt.Errorf("copy %s to %s: %w", m.BackupID, c.Name, err))
	}
	if err := job.Publisher.Event(ctx, messages.Event{Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID, Stage: messages.StageCopy,
		Status: messages.StatusSucceeded, Bytes: m.Size, Attrs: attrs}); err != nil {
		return err
	}
	verify := messages.VerifyRequested{V: messages.Version, Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID,
		ManifestKey: m.ManifestKey, Destination: c.Name}
	return job.Publisher.Publish(ctx, messages.VerifySubject(m.BackupID), verify, messages.VerifyCopyMsgID(m.BackupID, c.Name))
}

func (s *Service) copy(name string) (Copy, bool) {
	for _, c := range s.cfg.Copies {
		if c.Name == name {
			return c, true
		}
	}
	return Copy{}, false
}

// progressStore reports every byte written as the job's progress, so a
// large copy is never cancelled for want of it.
type progressStore struct{ objstore.Store }

func (p progressStore) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.Option) (objstore.ObjectInfo, error) {
	return p.Store.Put(ctx, key, jobs.ProgressReader(ctx, r), size, opts...)
}
