package s3store

import (
	"errors"
	"net/http"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/arcabackup/arca/pkg/objstore"
)

// mapError turns the S3 errors callers branch on into objstore sentinels,
// keeping the original in the chain.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var sentinel error
	switch code := errorCode(err); code {
	case "NoSuchKey", "NotFound":
		sentinel = objstore.ErrNotFound
	case "NoSuchUpload":
		sentinel = objstore.ErrNoSuchUpload
	case "InvalidPart":
		sentinel = objstore.ErrInvalidPart
	case "EntityTooSmall":
		sentinel = objstore.ErrPartTooSmall
	case "BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch", "XAmzContentChecksumMismatch", "InvalidChecksum":
		sentinel = objstore.ErrChecksumMismatch
	default:
		var re *smithyhttp.ResponseError
		if code == "" && errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound {
			sentinel = objstore.ErrNotFound
		}
	}
	if sentinel == nil {
		return err
	}
	return errors.Join(sentinel, err)
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
