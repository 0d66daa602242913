package destinations

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Reader is an objstore.Store over a Set for reading: Get and Stat try
// the destinations in order and move on from one that does not have the
// key or fails; List merges every destination's keys, each key once. Writes
// (Put, Delete, multipart uploads) go to the primary alone: copies to the
// other destinations are the uploader's per-destination jobs, and what one
// destination lacks is completed by copying from another (Sync).
type Reader struct {
	set    Set
	served func(key, destination string, skipped []error)
}

// NewReader reads through set. served, when not nil, is told which
// destination served each Get and Stat and why the ones before it did not.
func NewReader(set Set, served func(key, destination string, skipped []error)) *Reader {
	return &Reader{set: set, served: served}
}

var _ objstore.Store = (*Reader)(nil)

func (r *Reader) report(key, name string, skipped []error) {
	if r.served != nil {
		r.served(key, name, skipped)
	}
}

// Get opens key from the first destination that has it.
func (r *Reader) Get(ctx context.Context, key string, rng objstore.Range) (io.ReadCloser, error) {
	var skipped []error
	for _, d := range r.set {
		rc, err := d.Store.Get(ctx, key, rng)
		if err == nil {
			r.report(key, d.Name, skipped)
			return rc, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		skipped = append(skipped, fmt.Errorf("destination %s: %w", d.Name, err))
	}
	return nil, notServed(skipped)
}

// Stat describes key from the first destination that has it.
func (r *Reader) Stat(ctx context.Context, key string) (objstore.ObjectInfo, error) {
	var skipped []error
	for _, d := range r.set {
		info, err := d.Store.Stat(ctx, key)
		if err == nil {
			r.report(key, d.Name, skipped)
			return info, nil
		}
		if ctx.Err() != nil {
			return objstore.ObjectInfo{}, ctx.Err()
		}
		skipped = append(skipped, fmt.Errorf("destination %s: %w", d.Name, err))
	}
	return objstore.ObjectInfo{}, notServed(skipped)
}

// notServed is why no destination served a key. It is ErrNotFound only
// when every destination said so: a key one destination lacks while
// another cannot be reached may well exist, and wal-fetch must not end
// recovery early on it (it exits "not found" only for a true miss).
func notServed(skipped []error) error {
	for _, err := range skipped {
		if !errors.Is(err, objstore.ErrNotFound) {
			return &partialMiss{skipped}
		}
	}
	return errors.Join(skipped...)
}

// partialMiss names every destination's reason but unwraps only to the
// ones that are not a miss.
type partialMiss struct{ errs []error }

func (e *partialMiss) Error() string { return errors.Join(e.errs...).Error() }

func (e *partialMiss) Unwrap() []error {
	var out []error
	for _, err := range e.errs {
		if !errors.Is(err, objstore.ErrNotFound) {
			out = append(out, err)
		}
	}
	return out
}

// List merges the destinations' listings in key order, each key once (as
// the first destination holding it lists it). A destination whose listing
// fails is left out; the listing fails only when every one does.
func (r *Reader) List(ctx context.Context, prefix string) iter.Seq2[objstore.ObjectInfo, error] {
	return func(yield func(objstore.ObjectInfo, error) bool) {
		type head struct {
			next func() (objstore.ObjectInfo, error, bool)
			stop func()
			cur  objstore.ObjectInfo
			ok   bool
		}
		heads := make([]*head, 0, len(r.set))
		var errs []error
		advance := func(h *head, name string) {
			info, err, ok := h.next()
			if ok && err != nil {
				errs = append(errs, fmt.Errorf("destination %s: list %s: %w", name, prefix, err))
				h.stop()
				ok = false
			}
			h.cur, h.ok = info, ok
		}
		for _, d := range r.set {
			next, stop := iter.Pull2(d.Store.List(ctx, prefix))
			defer stop()
			h := &head{next: next, stop: stop}
			advance(h, d.Name)
			heads = append(heads, h)
		}
		for {
			first := -1
			for i, h := range heads {
				if h.ok && (first < 0 || h.cur.Key < heads[first].cur.Key) {
					first = i
				}
			}
			if first < 0 {
				break
			}
			out := heads[first].cur
			for i, h := range heads {
				if h.ok && h.cur.Key == out.Key {
					advance(h, r.set[i].Name)
				}
			}
			if !yield(out, nil) {
				return
			}
		}
		// Every destination failed: say so even after some keys, or a
		// listing cut short would pass for a complete one.
		if len(errs) == len(r.set) && len(errs) > 0 {
			yield(objstore.ObjectInfo{}, errors.Join(errs...))
		}
	}
}

func (r *Reader) primary() objstore.Store { return r.set[0].Store }

// Put writes to the primary.
func (r *Reader) Put(ctx context.Context, key string, body io.Reader, size int64, opts ...objstore.Option) (objstore.ObjectInfo, error) {
	return r.primary().Put(ctx, key, body, size, opts...)
}

// Delete deletes from the primary.
func (r *Reader) Delete(ctx context.Context, key string) error { return r.primary().Delete(ctx, key) }

// CreateMultipart starts an upload on the primary.
func (r *Reader) CreateMultipart(ctx context.Context, key string, opts ...objstore.Option) (string, error) {
	return r.primary().CreateMultipart(ctx, key, opts...)
}

// UploadPart uploads to the primary.
func (r *Reader) UploadPart(ctx context.Context, key, uploadID string, n int, body io.Reader, size int64, sha256 []byte) (objstore.Part, error) {
	return r.primary().UploadPart(ctx, key, uploadID, n, body, size, sha256)
}

// CompleteMultipart completes on the primary.
func (r *Reader) CompleteMultipart(ctx context.Context, key, uploadID string, parts []objstore.Part) (objstore.ObjectInfo, error) {
	return r.primary().CompleteMultipart(ctx, key, uploadID, parts)
}

// AbortMultipart aborts on the primary.
func (r *Reader) AbortMultipart(ctx context.Context, key, uploadID string) error {
	return r.primary().AbortMultipart(ctx, key, uploadID)
}

// ListMultipartUploads lists the primary's uploads.
func (r *Reader) ListMultipartUploads(ctx context.Context, prefix string) iter.Seq2[objstore.Upload, error] {
	return r.primary().ListMultipartUploads(ctx, prefix)
}
