package objstore

import "context"

// Header is a Store that can describe an object without its tags: on S3 a
// HeadObject alone, where Stat also sends a GetObjectTagging for an object
// that has tags. Decorators forward it (Head) when they wrap a Store.
type Header interface {
	// Head is Stat without Tags (nil): size, checksums, storage class and
	// Object Lock retention. ErrNotFound when the key does not exist.
	Head(ctx context.Context, key string) (ObjectInfo, error)
}

// Head describes the object at key as Stat does but without its tags,
// with one request fewer where s can (Header); otherwise it is s.Stat.
func Head(ctx context.Context, s Store, key string) (ObjectInfo, error) {
	if h, ok := s.(Header); ok {
		return h.Head(ctx, key)
	}
	return s.Stat(ctx, key)
}
