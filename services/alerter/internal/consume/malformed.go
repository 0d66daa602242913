package consume

import "errors"

// malformedError marks a message that can never be handled.
type malformedError struct{ err error }

func (e malformedError) Error() string { return "malformed message: " + e.err.Error() }
func (e malformedError) Unwrap() error { return e.err }

// Malformed wraps err to say that the message can never be handled.
func Malformed(err error) error { return malformedError{err} }

// IsMalformed reports whether err came from Malformed.
func IsMalformed(err error) bool {
	var m malformedError
	return errors.As(err, &m)
}
