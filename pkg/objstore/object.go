package objstore

import "time"

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key          string
	Size         int64
	ETag         string
	LastModified time.Time

	// SHA256 is the digest of the object's bytes, nil when the store does not
	// know it (an S3 object built by a multipart upload).
	SHA256 []byte
	// CompositeSHA256 is S3's checksum of a multipart object: the SHA-256 of
	// its parts' SHA-256 digests concatenated (see CompositeSHA256), over
	// Parts parts. Nil for objects stored in one piece.
	CompositeSHA256 []byte
	Parts           int

	StorageClass string            // "" means the store's default (STANDARD)
	Tags         map[string]string // nil when none
	Lock         Lock              // zero when not locked
}

// Lock is an object's Object Lock retention.
type Lock struct {
	Mode        LockMode
	RetainUntil time.Time
	LegalHold   bool
}

// LockMode is an Object Lock retention mode.
type LockMode string

// Object Lock modes. Under Compliance nobody can delete the object before
// RetainUntil; under Governance users with a special permission can.
const (
	LockGovernance LockMode = "GOVERNANCE"
	LockCompliance LockMode = "COMPLIANCE"
)

// Active reports whether the lock forbids deletion at now.
func (l Lock) Active(now time.Time) bool {
	return l.LegalHold || (l.Mode != "" && now.Before(l.RetainUntil))
}

// Range selects bytes [Offset, Offset+Length) of an object. Length <= 0
// means to the end; the zero Range is the whole object.
type Range struct {
	Offset int64
	Length int64
}

// Part is one uploaded part of a multipart upload, as CompleteMultipart
// needs it. It is plain data so it can travel between processes (JSON).
type Part struct {
	Number int    `json:"number"`
	ETag   string `json:"etag"`
	SHA256 []byte `json:"sha256,omitempty"`
	Size   int64  `json:"size"`
}

// Upload is a multipart upload in progress.
type Upload struct {
	Key       string
	UploadID  string
	Initiated time.Time
}
