package prune

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
)

// Why an upload is aborted.
const (
	ReasonStale      = "initiated longer ago than the stale-upload age"
	ReasonSuperseded = "superseded: its backup is committed by another attempt"
)

// abortStale aborts the multipart uploads under the layout's prefix that
// can never complete: those initiated more than StaleUploadAge before now,
// and at once those of a backup already committed (the uploads of the
// attempts it superseded). It returns the failures. A dry run reports them
// as WouldAbort.
func (p *Pruner) abortStale(ctx context.Context, rep *Report, now time.Time, dryRun bool) error {
	var errs []error
	prefix := p.cfg.Layout.Prefix
	if prefix = strings.TrimSuffix(prefix, "/"); prefix != "" {
		prefix += "/"
	}
	cutoff := now.Add(-p.cfg.StaleUploadAge)
	for u, err := range p.store.ListMultipartUploads(ctx, prefix) {
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("list multipart uploads %s: %w", prefix, err))...)
		}
		reason := ReasonStale
		if !u.Initiated.Before(cutoff) {
			committed, err := p.committed(ctx, u.Key)
			if err != nil {
				errs = append(errs, err)
			}
			if !committed {
				rep.UploadsKept++
				continue
			}
			reason = ReasonSuperseded
		}
		s := StaleUpload{Key: u.Key, UploadID: u.UploadID, Initiated: u.Initiated, Reason: reason, Outcome: WouldAbort}
		if !dryRun {
			s.Outcome = Aborted
			if err := p.store.AbortMultipart(ctx, u.Key, u.UploadID); err != nil {
				s.Outcome, s.Error = Failed, err.Error()
				errs = append(errs, err)
			}
		}
		rep.Uploads = append(rep.Uploads, s)
	}
	return errors.Join(errs...)
}

// committed reports whether the backup whose data object key names has a
// manifest: an upload on it belongs to an attempt that lost the commit.
func (p *Pruner) committed(ctx context.Context, key string) (bool, error) {
	if path.Base(key) != backup.DataObject {
		return false, nil
	}
	_, err := p.store.Stat(ctx, path.Join(path.Dir(key), backup.ManifestObject))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, objstore.ErrNotFound):
		return false, nil
	default:
		return false, fmt.Errorf("upload %s: manifest: %w", key, err)
	}
}
