package keyring

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Fingerprint names the keyring's state without revealing any secret: a
// SHA-256 over every version's id, scope, number, primary flag, kind and
// destruction, never over key material. Two keyrings with the same
// fingerprint seal and open alike; rotation and erasure change it. The
// keyring epoch (see Live) carries it so that a service can tell whether the
// keyring it loaded is the one that was announced.
func (k *Keyring) Fingerprint() string {
	h := sha256.New()
	for _, v := range k.versions {
		fmt.Fprintf(h, "%q %q %d %t %q %t\n", v.ID, v.Tenant, v.Number, v.Primary, v.KMSURI, v.destroyed())
	}
	return hex.EncodeToString(h.Sum(nil))
}
