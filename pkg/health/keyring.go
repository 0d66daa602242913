package health

import (
	"github.com/arcabackup/arca/pkg/seal/keyring"

	"github.com/arcabackup/arca/pkg/messages"
)

// CheckKeyring: the keyring named name loaded (err is the load's error)
// and has a primary key; a KMS-backed primary is proven by using it.
func CheckKeyring(f *Findings, name string, kr *keyring.Keyring, err error) {
	if err != nil {
		f.Fail("keyring", "%s: %s", name, messages.OneLine(err))
		return
	}
	kek, err := kr.Primary("")
	if err != nil {
		f.Fail("keyring", "%s: %s", name, messages.OneLine(err))
		return
	}
	kind := "local"
	for _, i := range kr.List() {
		if i.ID == kek.ID {
			kind = i.Kind
		}
	}
	if kind == "kms" {
		// A KMS-backed key is only proven by using it.
		if _, err := kek.AEAD.Encrypt([]byte("arca check"), []byte("arca check")); err != nil {
			f.Fail("keyring", "primary key %s: KMS Encrypt: %s", kek.ID, messages.OneLine(err))
			return
		}
	}
	f.OK("keyring", "%s: %d key version(s), primary %s (%s)", name, len(kr.List()), kek.ID, kind)
}
