package main

import (
	"context"
	"os"

	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal"
)

// keysFromEnv loads the keyring file named by ARCA_KEYRING on first use.
func keysFromEnv(ctx context.Context) wal.Keys {
	return wal.LazyKeys(func() (wal.Keys, error) {
		return keyring.Load(ctx, keyring.File{Path: os.Getenv("ARCA_KEYRING"), Passphrase: []byte(os.Getenv("ARCA_KEYRING_PASSPHRASE"))})
	})
}
