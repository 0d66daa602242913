package seal

import "github.com/tink-crypto/tink-go/v2/tink"

// KEK is a key-encryption key: it wraps the per-part data keys. ID is written
// into every part header it seals; AEAD does the wrapping (a local AES-256-GCM
// key, or a KMS key reached through Tink's KMS client).
type KEK struct {
	ID   string
	AEAD tink.AEAD
}

// KeyLookup resolves the key id found in a part header. Implementations return
// an *UnknownKeyError when they do not hold the key (or it was destroyed).
type KeyLookup interface {
	Key(id string) (KEK, error)
}
