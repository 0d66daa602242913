// Package keyringtest gives tests a keyring to seal and open with, so that
// none builds its own.
package keyringtest

import (
	"testing"

	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// New is an in-memory keyring with a primary key for the default scope.
func New(t testing.TB) *keyring.Keyring {
	t.Helper()
	kr := keyring.New()
	if _, err := kr.Rotate(""); err != nil {
		t.Fatalf("keyringtest: %v", err)
	}
	return kr
}
