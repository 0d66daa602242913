package storetest

import (
	"testing"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Features describe what the store under test supports.
type Features struct {
	// Reopen returns a second, independent Store on the same storage as s
	// (another process, in effect). Required: the multipart tests upload
	// parts through both.
	Reopen func(t *testing.T, s objstore.Store) objstore.Store
	// Tags: tags set on write come back from Stat.
	Tags bool
	// StorageClasses: the classes that come back from Stat as written.
	StorageClasses []string
	// ObjectLock: newStore's storage enforces Object Lock retention.
	ObjectLock bool
	// WholeSHA256OfMultipart: Stat knows the full SHA-256 of an object built
	// by a multipart upload (fsstore does; S3 reports only the composite).
	WholeSHA256OfMultipart bool
	// LargeObjectSize is the size of the streaming test object (64 MiB).
	LargeObjectSize int64
}

func (f Features) largeSize() int64 {
	if f.LargeObjectSize > 0 {
		return f.LargeObjectSize
	}
	return 64 * objstore.MiB
}
