package objstore

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// CompositeSHA256 is the checksum S3 reports for a multipart object: the
// SHA-256 of the parts' SHA-256 digests concatenated in part order. The
// uploader computes it from the digests it recorded and compares it with
// Stat's CompositeSHA256 to check a completed object without reading it.
func CompositeSHA256(partDigests [][]byte) []byte {
	h := sha256.New()
	for _, d := range partDigests {
		h.Write(d)
	}
	return h.Sum(nil)
}

// ParseS3Checksum decodes an x-amz-checksum-sha256 value: base64 of the
// digest, followed by "-N" for a composite checksum over N parts.
func ParseS3Checksum(v string) (sum []byte, parts int, err error) {
	b64, n, composite := strings.Cut(v, "-")
	if composite {
		if parts, err = strconv.Atoi(n); err != nil || parts < 1 {
			return nil, 0, fmt.Errorf("parse checksum %q: bad part count", v)
		}
	}
	sum, err = base64.StdEncoding.DecodeString(b64)
	if err != nil || len(sum) != sha256.Size {
		return nil, 0, fmt.Errorf("parse checksum %q: not a base64 SHA-256", v)
	}
	return sum, parts, nil
}
