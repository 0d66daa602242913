package backup

import "github.com/arcabackup/arca/pkg/seal"

// Keys seals metadata with a scope's primary key-encryption key and opens
// it with any key version: *keyring.Keyring satisfies it. Readers need only
// a seal.KeyLookup.
type Keys interface {
	Primary(tenant string) (seal.KEK, error)
	seal.KeyLookup
}
