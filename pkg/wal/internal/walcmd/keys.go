package main

import (
	"context"
	"os"
	"sync"

	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// lazyKeys loads the keyring file on first use. The file's scrypt costs
// about as much as fetching a segment, and many calls never need a key:
// restore_command asking for a file that does not exist (PostgreSQL probes
// for timeline histories and the segment after the last), archive_command
// for a file already archived.
type lazyKeys struct {
	ctx  context.Context
	once sync.Once
	k    *keyring.Keyring
	err  error
}

func (l *lazyKeys) load() (*keyring.Keyring, error) {
	l.once.Do(func() {
		l.k, l.err = keyring.Load(l.ctx, keyring.File{Path: os.Getenv("ARCA_KEYRING"), Passphrase: []byte(os.Getenv("ARCA_KEYRING_PASSPHRASE"))})
	})
	return l.k, l.err
}

func (l *lazyKeys) Primary(tenant string) (seal.KEK, error) {
	k, err := l.load()
	if err != nil {
		return seal.KEK{}, err
	}
	return k.Primary(tenant)
}

func (l *lazyKeys) Key(id string) (seal.KEK, error) {
	k, err := l.load()
	if err != nil {
		return seal.KEK{}, err
	}
	return k.Key(id)
}
