package service

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/arcabackup/arca/pkg/staging"
)

// discardWait bounds the clean-up of a failed attempt.
const discardWait = 30 * time.Second

// discard deletes, best effort, what a failed attempt staged: its parts
// that no encryptor has claimed (staging.PartWriter.Discard) and, when the
// artifact can no longer be complete, its export facts. A retry exports
// anew under another artifact, so without this the attempt's plaintext
// waited in staging for the bucket's TTL. It runs even when ctx has ended
// (a timeout, a shutdown), within discardWait, and logs what it did.
func (s *Service) discard(ctx context.Context, pw *staging.PartWriter, artifact string, cause error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), discardWait)
	defer cancel()
	d, err := pw.Discard(ctx)
	if d.Dead {
		if ferr := s.staging.Delete(ctx, staging.FactsKey(artifact)); ferr != nil {
			err = errors.Join(err, ferr)
		}
	}
	log := s.cfg.Worker.Logger
	if log == nil {
		log = slog.Default()
	}
	attrs := []any{"artifact", artifact, "deleted_parts", d.Deleted, "claimed_parts", d.Kept, "facts_deleted", d.Dead, "cause", cause}
	if err != nil {
		log.Warn("failed export attempt: staged parts not all deleted; the staging TTL will", append(attrs, "err", err)...)
		return
	}
	log.Info("failed export attempt: staged parts deleted", attrs...)
}
