package staging

import (
	"context"
	"errors"
	"slices"
)

var errDiscarded = errors.New("part writer discarded")

// Discarded is what Discard did.
type Discarded struct {
	Deleted int // parts deleted
	Kept    int // parts a reader had claimed or taken: they are its to delete
	// Dead says the artifact can no longer be complete: its last part was
	// never announced, or a part was deleted before any reader claimed
	// it. Whatever else was staged for it (its export facts) is then
	// garbage too.
	Dead bool
}

// Discard deletes, best effort, what the writer stored, once its attempt
// has failed (after Abort, or a Close that failed), so that plaintext does
// not wait in staging for the bucket's TTL. A part is deleted only if no
// reader has claimed it since it was put (Claim, which the encryptor does
// before it reads a part, and DeleteUnchanged here decide which came
// first): a claimed part is being handed on, and its reader deletes it. A
// part whose put failed was never announced and is deleted whatever its
// state. ctx bounds the whole; the error joins the deletions that failed.
func (w *PartWriter) Discard(ctx context.Context) (Discarded, error) {
	w.Abort(errDiscarded) // the putter stops: no part is stored after this
	w.mu.Lock()
	parts, lastTried := slices.Clone(w.stored), w.lastTried
	w.mu.Unlock()
	d := Discarded{Dead: !lastTried}
	var errs []error
	for _, p := range parts {
		var err error
		if p.rev == 0 {
			err = w.store.Delete(ctx, p.key)
		} else {
			err = w.store.DeleteUnchanged(ctx, p.key, p.rev)
		}
		switch {
		case err == nil:
			d.Deleted++
			d.Dead = true
		case errors.Is(err, ErrChanged):
			d.Kept++
		default:
			errs = append(errs, err)
		}
	}
	return d, errors.Join(errs...)
}
