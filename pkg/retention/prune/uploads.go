package prune

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// abortStale aborts the multipart uploads under the layout's prefix that
// were initiated more than StaleUploadAge before now, and returns the
// failures.
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
		if !u.Initiated.Before(cutoff) {
			rep.UploadsKept++
			continue
		}
		s := StaleUpload{Key: u.Key, UploadID: u.UploadID, Initiated: u.Initiated, Outcome: WouldAbort}
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
