package service

import "context"

// abortSuperseded aborts every multipart upload left on the object of a
// backup that has just been committed: they belong to its other attempts
// (an export retried after a time-out starts a new artifact), which can
// never commit now. Without it each retry left an upload of up to a whole
// artifact in the bucket until prune's age limit. Best effort: prune
// aborts what is missed.
func (s *Service) abortSuperseded(ctx context.Context, key string) {
	for u, err := range s.store.ListMultipartUploads(ctx, key) {
		if err != nil {
			return
		}
		if u.Key == key {
			_ = s.store.AbortMultipart(ctx, u.Key, u.UploadID)
		}
	}
}

// multipartStarted reports whether an attempt of the backup started a
// multipart upload (its record, written before the upload is created), or
// whether that cannot be told: a backup committed by a one-part artifact
// that no attempt uploaded in parts has no upload to abort, and its commit
// sends no listing (one S3 request per small backup).
func (s *Service) multipartStarted(ctx context.Context, backupID string) bool {
	var v struct{}
	found, err := s.state.get(ctx, multipartKey(backupID), &v)
	return found || err != nil
}
