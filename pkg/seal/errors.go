package seal

import (
	"errors"
	"fmt"
)

var (
	// ErrTruncated: the artifact ended before its last part, or a part ended
	// before its end marker.
	ErrTruncated = errors.New("truncated")
	// ErrMalformed: a part header or its framing does not parse.
	ErrMalformed = errors.New("malformed part")
	// ErrOutOfOrder: a part header names another index than its position.
	ErrOutOfOrder = errors.New("part out of order")
	// ErrTrailingData: bytes follow the part marked last.
	ErrTrailingData = errors.New("data after the last part")
	// ErrTampered: an authentication tag did not verify (damaged data, wrong
	// key, or a part that belongs to another artifact or position).
	ErrTampered = errors.New("authentication failed")
)

// Malformed reports whether err says the input is not sealed parts: a
// part header or its framing does not parse.
func Malformed(err error) bool { return errors.Is(err, ErrMalformed) }

// Unauthentic reports whether err says sealed parts failed
// authentication: an *AuthError, or a tag that did not verify, parts
// missing, out of order, or followed by data.
func Unauthentic(err error) bool {
	var auth *AuthError
	return errors.As(err, &auth) || errors.Is(err, ErrTampered) || errors.Is(err, ErrTruncated) ||
		errors.Is(err, ErrOutOfOrder) || errors.Is(err, ErrTrailingData)
}

// AuthError reports that a part of an artifact failed authentication or could
// not be parsed. No plaintext of the failing segment was released.
type AuthError struct {
	Artifact string
	Part     uint32
	KeyID    string // empty when the header could not be read
	Err      error  // one of the Err* sentinels above, or an *UnknownKeyError
}

func (e *AuthError) Error() string {
	if e.KeyID != "" {
		return fmt.Sprintf("open artifact %q part %d (key %q): %v", e.Artifact, e.Part, e.KeyID, e.Err)
	}
	return fmt.Sprintf("open artifact %q part %d: %v", e.Artifact, e.Part, e.Err)
}

func (e *AuthError) Unwrap() error { return e.Err }

// KeySourceError reports a key source (a KMS) that did not answer whether a
// key unwraps a part's data key: an outage, throttling, a permission or a key
// disabled there. Unlike a key that does not unwrap it, it says nothing of
// the part, so a reader never counts it as damage (decision 37).
type KeySourceError struct{ Err error }

func (e *KeySourceError) Error() string { return "key source: " + e.Err.Error() }
func (e *KeySourceError) Unwrap() error { return e.Err }

// UnknownKeyError reports a key id that the keyring does not hold.
type UnknownKeyError struct {
	KeyID     string
	Destroyed bool // the key existed and was destroyed (crypto-erasure)
}

func (e *UnknownKeyError) Error() string {
	if e.Destroyed {
		return fmt.Sprintf("key %q was destroyed", e.KeyID)
	}
	return fmt.Sprintf("unknown key %q", e.KeyID)
}
