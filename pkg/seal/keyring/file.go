package keyring

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

const fileFormat = "arca-keyring-file/1"

// ErrWrongPassphrase: the keyring file does not decrypt under the passphrase
// (or it was altered).
var ErrWrongPassphrase = errors.New("wrong passphrase, or the keyring file was altered")

// Scrypt parameters of new keyring files: a 64 MiB table, derived within
// scryptTableBudget (scrypt.go) in about 0.1–0.4 s.
const (
	scryptN = 1 << 16
	scryptR = 8
	scryptP = 1
)

// File keeps the keyring document in a local file encrypted under a
// passphrase: scrypt derives an AES-256-GCM key. It refuses to read a file that
// group or others may read or write, and writes files with mode 0600.
type File struct {
	Path       string
	Passphrase []byte
}

type fileEnvelope struct {
	Format     string `json:"format"`
	KDF        string `json:"kdf"`
	N          int    `json:"n"`
	R          int    `json:"r"`
	P          int    `json:"p"`
	Salt       []byte `json:"salt"`
	Nonce      []byte `json:"nonce"`
	Ciphertext []byte `json:"ciphertext"`
}

// Load implements Store.
func (f File) Load(_ context.Context) ([]byte, error) {
	st, err := os.Stat(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("keyring file %s: %w", f.Path, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if m := st.Mode().Perm(); m&0o077 != 0 {
		return nil, fmt.Errorf("keyring file %s has mode %#o: group or others may read or write it; run chmod 600 %s", f.Path, m, f.Path)
	}
	raw, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, err
	}
	var env fileEnvelope
	if err := json.Unmarshal(raw, &env); err != nil || env.Format != fileFormat || env.KDF != "scrypt" {
		return nil, fmt.Errorf("keyring file %s: not an %s file", f.Path, fileFormat)
	}
	if env.N > 1<<22 || env.R > 32 || env.P > 16 {
		return nil, fmt.Errorf("keyring file %s: scrypt parameters out of range", f.Path)
	}
	gcm, err := f.cipher(&env)
	if err != nil {
		return nil, fmt.Errorf("keyring file %s: %w", f.Path, err)
	}
	doc, err := gcm.Open(nil, env.Nonce, env.Ciphertext, env.aad())
	if err != nil {
		return nil, fmt.Errorf("keyring file %s: %w", f.Path, ErrWrongPassphrase)
	}
	return doc, nil
}

// Save implements Store: it writes a temporary file with mode 0600 beside the
// target and renames it into place.
func (f File) Save(_ context.Context, doc []byte, create bool) error {
	env := fileEnvelope{Format: fileFormat, KDF: "scrypt", N: scryptN, R: scryptR, P: scryptP,
		Salt: make([]byte, 32), Nonce: make([]byte, 12)}
	if _, err := rand.Read(env.Salt); err != nil {
		return err
	}
	if _, err := rand.Read(env.Nonce); err != nil {
		return err
	}
	gcm, err := f.cipher(&env)
	if err != nil {
		return err
	}
	env.Ciphertext = gcm.Seal(nil, env.Nonce, doc, env.aad())
	raw, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), ".keyring-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(raw); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if create {
		// A hard link fails when the target exists: create-if-absent.
		if err := os.Link(tmp.Name(), f.Path); errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("keyring file %s: %w", f.Path, ErrExists)
		} else if err != nil {
			return err
		}
		return nil
	}
	return os.Rename(tmp.Name(), f.Path)
}

func (f File) cipher(env *fileEnvelope) (cipher.AEAD, error) {
	if len(f.Passphrase) == 0 {
		return nil, errors.New("empty passphrase")
	}
	key, err := scryptKey(f.Passphrase, env.Salt, env.N, env.R, env.P, 32, scryptTableBudget)
	if err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	defer clear(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// aad binds the envelope's parameters to its ciphertext.
func (e *fileEnvelope) aad() []byte {
	return fmt.Appendf(nil, "%s scrypt n=%d r=%d p=%d salt=%x", e.Format, e.N, e.R, e.P, e.Salt)
}
