package stack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// KeyringStore is the configured keyring file, unlocked by the passphrase
// in the configured environment variable.
func KeyringStore(cfg config.Config) (keyring.File, error) {
	pass := os.Getenv(cfg.Keys.PassphraseEnv)
	if pass == "" {
		return keyring.File{}, fmt.Errorf("keyring: the passphrase variable %s is empty", cfg.Keys.PassphraseEnv)
	}
	return keyring.File{Path: cfg.KeyringPath(), Passphrase: []byte(pass)}, nil
}

// Keyring loads the keyring; with create, a missing keyring is initialised
// (arca dev on a fresh machine).
func Keyring(ctx context.Context, cfg config.Config, create bool) (*keyring.Keyring, error) {
	st, err := KeyringStore(cfg)
	if err != nil {
		return nil, err
	}
	kr, err := keyring.Load(ctx, st)
	if create && errors.Is(err, keyring.ErrNotFound) {
		if err := os.MkdirAll(filepath.Dir(cfg.KeyringPath()), 0o700); err != nil {
			return nil, err
		}
		return keyring.Init(ctx, st)
	}
	return kr, err
}
