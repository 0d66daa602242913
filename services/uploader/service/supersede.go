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
