package keyring

import (
	"encoding/json"
	"fmt"
)

const documentFormat = "arca-keyring/1"

type document struct {
	Format   string    `json:"format"`
	Versions []Version `json:"versions"`
}

// Marshal encodes the keyring document. The result holds secret material:
// store it only through a Store.
func (k *Keyring) Marshal() ([]byte, error) {
	return json.Marshal(document{Format: documentFormat, Versions: k.versions})
}

// Unmarshal decodes a keyring document.
func Unmarshal(b []byte, opts ...Option) (*Keyring, error) {
	var d document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("decode keyring: %w", err)
	}
	if d.Format != documentFormat {
		return nil, fmt.Errorf("decode keyring: unsupported format %q", d.Format)
	}
	k := New(opts...)
	k.versions = d.Versions
	for _, v := range k.versions {
		if !v.destroyed() && v.KMSURI == "" && len(v.AES256GCM) != 32 {
			return nil, fmt.Errorf("decode keyring: key %q has no 32-byte material", v.ID)
		}
	}
	return k, nil
}
