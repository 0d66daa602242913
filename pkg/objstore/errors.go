package objstore

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrNotFound: the key does not exist.
	ErrNotFound = errors.New("object not found")
	// ErrNoSuchUpload: the multipart upload does not exist: it was never
	// created, or it was completed or aborted.
	ErrNoSuchUpload = errors.New("multipart upload not found")
	// ErrChecksumMismatch: the bytes do not have the SHA-256 they were sent
	// with; nothing was stored.
	ErrChecksumMismatch = errors.New("checksum mismatch")
	// ErrPartTooSmall: CompleteMultipart was given a part other than the
	// last that is smaller than MinPartSize. Every store refuses it, as S3
	// does (EntityTooSmall); retrying cannot help. The upload stays.
	ErrPartTooSmall = errors.New("part smaller than the multipart minimum")
	// ErrInvalidPart: CompleteMultipart named a part the upload does not
	// hold with that entity tag. S3 answers InvalidPart; so does versitygw
	// when an UploadPart still in flight as the upload completed re-created
	// the upload under the same id with that part alone.
	ErrInvalidPart = errors.New("a part of the upload is missing or has another entity tag")
	// ErrLocked: Object Lock retention or a legal hold forbids the change.
	// Returned as a *LockedError, which carries the retention.
	ErrLocked = errors.New("object locked")
)

// LockedError reports that Object Lock refused to delete or replace Key.
// errors.Is(err, ErrLocked) is true for it.
type LockedError struct {
	Key  string
	Lock Lock // zero when the store refused without saying why
}

func (e *LockedError) Error() string {
	switch {
	case e.Lock.LegalHold:
		return fmt.Sprintf("object %s locked: legal hold", e.Key)
	case e.Lock.Mode != "":
		return fmt.Sprintf("object %s locked: %s retention until %s", e.Key, e.Lock.Mode, e.Lock.RetainUntil.Format(time.RFC3339))
	}
	return fmt.Sprintf("object %s locked", e.Key)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }
