package objstore

import "fmt"

// S3's multipart limits, which both stores enforce so that code tested on
// the filesystem behaves the same on S3.
const (
	MiB = int64(1) << 20
	GiB = int64(1) << 30
	TiB = int64(1) << 40

	MaxParts      = 10_000  // parts per multipart upload
	MinPartSize   = 5 * MiB // every part but the last
	MaxPartSize   = 5 * GiB // any part, and a single Put
	MaxObjectSize = 5 * TiB // any object: the largest artifact Arca can store
	// DefaultPartSize is the part size for artifacts up to
	// DefaultPartSize*MaxParts/2 (78 GiB): small enough to keep a worker's
	// memory flat, large enough that per-request overhead stays low.
	DefaultPartSize = 16 * MiB
)

// PartSize picks the part size for an artifact whose size is estimated (0
// or less when unknown) before it is produced. It leaves a factor of two of
// headroom for an estimate that falls short, rounds up to whole MiB, and never
// returns less than DefaultPartSize. With the part size fixed, the artifact
// may grow to MaxArtifactSize(part) bytes. An estimate above MaxObjectSize
// is an error: S3 cannot hold such an object.
func PartSize(estimated int64) (int64, error) {
	if estimated > MaxObjectSize {
		return 0, fmt.Errorf("part size for %d bytes: larger than the largest object (%d bytes)", estimated, MaxObjectSize)
	}
	part := DefaultPartSize
	if estimated > 0 {
		need := (2*estimated + MaxParts - 1) / MaxParts
		need = (need + MiB - 1) / MiB * MiB
		part = max(part, need)
	}
	return min(part, MaxPartSize), nil
}

// MaxArtifactSize is the largest artifact that parts of partSize bytes can
// hold in one object: MaxParts parts, capped at MaxObjectSize. With the
// default 16 MiB parts that is 156.25 GiB; with 64 MiB, 625 GiB; parts of
// 525 MiB and more reach the 5 TiB ceiling.
func MaxArtifactSize(partSize int64) int64 {
	return min(partSize*MaxParts, MaxObjectSize)
}
