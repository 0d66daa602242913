package bucketinit

import (
	"errors"
	"net/http"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/arcabackup/arca/pkg/messages"
)

// unsupported reports whether err says the server does not implement the
// call (S3's NotImplemented, or HTTP 501).
func unsupported(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "NotImplemented" {
		return true
	}
	var re *smithyhttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotImplemented
}

// describe is err in a few words: the S3 operation and the server's error
// code and message, without request ids.
func describe(err error) string {
	var op *smithy.OperationError
	var apiErr smithy.APIError
	if errors.As(err, &op) && errors.As(err, &apiErr) {
		return op.OperationName + ": " + apiErr.ErrorCode() + ": " + apiErr.ErrorMessage()
	}
	return messages.OneLine(err)
}

// code is the S3 error code of err, "" when none.
func code(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// notFound reports whether err is one of codes or an HTTP 404.
func notFound(err error, codes ...string) bool {
	c := code(err)
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	var re *smithyhttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound
}
