package cli

import (
	"context"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// openBucket opens the bucket and the keyring: what every command that
// reads or restores backups needs, and all it needs (no NATS, no catalog).
func (a *app) openBucket(ctx context.Context) (objstore.Store, *keyring.Keyring, error) {
	store, err := stack.Store(ctx, a.cfg)
	if err != nil {
		return nil, nil, err
	}
	keys, err := stack.Keyring(ctx, a.cfg, false)
	if err != nil {
		return nil, nil, err
	}
	return store, keys, nil
}

// openRepo opens the bucket and the keyring as a repository of
// authenticated backups, for the commands that need nothing else.
func (a *app) openRepo(ctx context.Context) (backup.Repository, error) {
	store, keys, err := a.openBucket(ctx)
	if err != nil {
		return backup.Repository{}, err
	}
	return a.repo(store, keys), nil
}
