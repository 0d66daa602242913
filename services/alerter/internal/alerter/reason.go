package alerter

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"

	"github.com/arcabackup/arca/pkg/messages"
)

var fieldName = regexp.MustCompile(`field ([a-z_]+):`)

// safeReason describes a decoding error without quoting the payload: a
// malformed message may carry anything, patient data included, and the
// reason is logged.
func safeReason(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, messages.ErrUnsupportedVersion):
		return errors.New("unsupported message version")
	case errors.As(err, &syntax):
		return errors.New("not valid JSON")
	case errors.As(err, &typ):
		return errors.New("field " + typ.Field + " has the wrong type")
	}
	var fields []string
	for _, m := range fieldName.FindAllStringSubmatch(err.Error(), -1) {
		fields = append(fields, m[1])
	}
	if len(fields) == 0 {
		return errors.New("undecodable message")
	}
	return errors.New("invalid fields: " + strings.Join(fields, ", "))
}
