package storetest

import (
	"testing"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Run runs the conformance suite; each test runs in parallel on its own
// store from newStore.
func Run(t *testing.T, newStore func(t *testing.T) objstore.Store, f Features) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s objstore.Store, f Features)
	}{
		{"PutGetStat", testPutGetStat},
		{"NotFound", testNotFound},
		{"Overwrite", testOverwrite},
		{"ZeroBytes", testZeroBytes},
		{"Range", testRange},
		{"UnknownSize", testUnknownSize},
		{"ShortReader", testShortReader},
		{"ChecksumMismatch", testChecksumMismatch},
		{"InvalidKeys", testInvalidKeys},
		{"LargeStreaming", testLargeStreaming},
		{"List", testList},
		{"Delete", testDelete},
		{"MultipartConcurrentOutOfOrder", testMultipartConcurrent},
		{"MultipartCompleteOnce", testMultipartCompleteOnce},
		{"MultipartBadPart", testMultipartBadPart},
		{"MultipartAbort", testMultipartAbort},
		{"MultipartPartBelowMinimum", testMultipartPartBelowMinimum},
		{"ListMultipartUploads", testListMultipartUploads},
		{"TagsAndStorageClass", testTagsAndStorageClass},
		{"ObjectLockRefusesDelete", testObjectLock},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t), f)
		})
	}
}
