package objstore

import (
	"context"
	"io"
	"iter"
)

// Store holds objects by key. Keys are slash-separated paths such as
// "prod/tenants/<id>/<backup>/data.arca"; they must not be empty, begin or
// end with "/", or hold empty, "." or ".." segments.
//
// Every method is safe for concurrent use by many goroutines and by many
// processes sharing the same bucket or directory. Every method returns the
// context's error when ctx ends first.
type Store interface {
	// Put stores r's bytes under key, replacing any object there, and returns
	// what was stored. size is the exact length, or -1 when unknown; Put
	// streams and never holds more than one part size of r in memory.
	// The object appears whole or not at all: readers never see a partial
	// object. Idempotent: putting the same bytes again is harmless.
	// With WithSHA256 the store refuses bytes whose digest differs
	// (ErrChecksumMismatch) and stores nothing. Replacing an object under
	// Object Lock retention fails with a *LockedError where the store cannot
	// keep the old version (fsstore); S3 keeps it as a noncurrent version.
	Put(ctx context.Context, key string, r io.Reader, size int64, opts ...Option) (ObjectInfo, error)

	// Get opens the object for streaming; the caller closes the reader. A zero
	// Range reads the whole object. ErrNotFound when the key does not exist.
	// Reading through to io.EOF verifies the object's full SHA-256 where the
	// store holds one (a mismatch is an error from Read, never silent).
	Get(ctx context.Context, key string, rng Range) (io.ReadCloser, error)

	// Stat describes an object: size, checksums, storage class, tags and
	// Object Lock retention. ErrNotFound when the key does not exist.
	Stat(ctx context.Context, key string) (ObjectInfo, error)

	// List yields the objects whose keys start with prefix, in key order,
	// fetching pages lazily; stop ranging to stop fetching. Yielded entries
	// carry Key, Size, ETag, LastModified and StorageClass only (Stat gives
	// the rest). An error ends the sequence. Objects written while listing
	// may or may not appear.
	List(ctx context.Context, prefix string) iter.Seq2[ObjectInfo, error]

	// Delete removes the object for good, every stored version of it
	// included. Idempotent: deleting a missing key returns nil. While Object
	// Lock retention or a legal hold protects it, Delete fails with a
	// *LockedError (errors.Is(err, ErrLocked)) and the object stays readable.
	Delete(ctx context.Context, key string) error

	// CreateMultipart starts a multipart upload of key with the object's
	// options (storage class, tags, SSE-KMS, Object Lock; WithSHA256 does not
	// apply) and returns its upload id. Not idempotent: each call starts a new
	// upload, so a caller that must create exactly one records the id (the
	// uploader uses a JetStream KV create) and aborts the ones it loses.
	CreateMultipart(ctx context.Context, key string, opts ...Option) (uploadID string, err error)

	// UploadPart uploads part number n (1..MaxParts) of size bytes from r.
	// Parts may be uploaded in any order, concurrently, by any process that
	// knows the upload id. sha256, when not nil, is the part's digest, which
	// the store checks (ErrChecksumMismatch); otherwise the store computes it.
	// Uploading the same number again replaces the part: idempotent when the
	// bytes are the same. Every part but the last must be at least
	// MinPartSize. ErrNoSuchUpload when the upload was completed or aborted.
	UploadPart(ctx context.Context, key, uploadID string, n int, r io.Reader, size int64, sha256 []byte) (Part, error)

	// CompleteMultipart joins the parts, in the order given (ascending
	// numbers), into the object key, which then appears whole. Each Part
	// needs Number and ETag as returned by UploadPart, from whichever
	// process uploaded it; SHA256 is checked when present. Of several
	// concurrent or repeated calls at least one succeeds and the others
	// succeed too or get ErrNoSuchUpload (fsstore: exactly one succeeds; S3
	// may answer a repeat with success); after ErrNoSuchUpload, Stat tells
	// whether the object is there. A failed call (ErrInvalidPart for a
	// missing part or a wrong ETag, ErrPartTooSmall for a part but the last
	// below MinPartSize) leaves the upload in place. versitygw also answers
	// ErrInvalidPart after a completion when an UploadPart that was in
	// flight during it re-created the upload under the same id (with that
	// part alone): Stat then shows the completed object.
	CompleteMultipart(ctx context.Context, key, uploadID string, parts []Part) (ObjectInfo, error)

	// AbortMultipart discards the upload and its parts. Idempotent: aborting
	// an unknown, completed or aborted upload returns nil.
	AbortMultipart(ctx context.Context, key, uploadID string) error

	// ListMultipartUploads yields the uploads in progress whose keys start
	// with prefix, with their initiation time, so that stale ones can be
	// aborted. An error ends the sequence.
	ListMultipartUploads(ctx context.Context, prefix string) iter.Seq2[Upload, error]
}
