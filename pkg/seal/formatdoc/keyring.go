package formatdoc

import (
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/crypto/scrypt"
)

// OpenKeyringFile opens a keyring file (§6) with its passphrase and returns
// the local KEKs of every version that has material, whatever its scope.
func OpenKeyringFile(file, passphrase []byte) (Keys, error) {
	var env struct {
		Format     string `json:"format"`
		KDF        string `json:"kdf"`
		N, R, P    int
		Salt       []byte `json:"salt"` // standard base64, as encoding/json reads []byte
		Nonce      []byte `json:"nonce"`
		Ciphertext []byte `json:"ciphertext"`
	}
	if err := json.Unmarshal(file, &env); err != nil {
		return nil, err
	}
	if env.Format != "arca-keyring-file/1" || env.KDF != "scrypt" {
		return nil, fmt.Errorf("not a keyring file: %q %q", env.Format, env.KDF)
	}
	if env.N > 1<<22 || env.R > 32 || env.P > 16 {
		return nil, errors.New("scrypt parameters out of range")
	}
	key, err := scrypt.Key(passphrase, env.Salt, env.N, env.R, env.P, 32)
	if err != nil {
		return nil, err
	}
	ad := fmt.Sprintf("%s scrypt n=%d r=%d p=%d salt=%x", env.Format, env.N, env.R, env.P, env.Salt)
	doc, err := gcm(key).Open(nil, env.Nonce, env.Ciphertext, []byte(ad))
	if err != nil {
		return nil, errors.New("wrong passphrase, or the file was altered")
	}
	return KeyringDocument(doc)
}

// KeyringDocument reads the keyring document (§6).
func KeyringDocument(doc []byte) (Keys, error) {
	var d struct {
		Format   string `json:"format"`
		Versions []struct {
			ID        string `json:"id"`
			AES256GCM []byte `json:"aes256gcm"`
		} `json:"versions"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	if d.Format != "arca-keyring/1" {
		return nil, fmt.Errorf("keyring document format %q", d.Format)
	}
	keys := Keys{}
	for _, v := range d.Versions {
		if len(v.AES256GCM) == 32 {
			keys[v.ID] = v.AES256GCM
		}
	}
	return keys, nil
}
