package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/seal"
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

// repo is the bucket as a repository of authenticated backups: no catalog
// or NATS is needed.
func (a *app) repo(store objstore.Store, keys seal.KeyLookup) backup.Repository {
	return backup.Repository{Store: store, Layout: stack.Layout(a.cfg), Keys: keys}
}

// openDestinations opens every destination (the primary first) and the
// keyring: what a restore that may fall back to another copy needs.
func (a *app) openDestinations(ctx context.Context) (destinations.Set, *keyring.Keyring, error) {
	// The keyring first: its unlock (scrypt's 32 MiB) is the peak of a
	// restore, lower before the stores' clients exist (#17.3).
	keys, err := stack.Keyring(ctx, a.cfg, false)
	if err != nil {
		return nil, nil, err
	}
	set, err := stack.Destinations(ctx, a.cfg)
	if err != nil {
		return nil, nil, err
	}
	return set, keys, nil
}

// fallbackReader reads through every destination, object by object, and
// says on stderr when an object came from another than the first.
func (a *app) fallbackReader(set destinations.Set) *destinations.Reader {
	return destinations.NewReader(set, a.served)
}

// tryDestinations runs one restore against each destination in order
// until one serves it, and says which did and why the ones before did not.
func (a *app) tryDestinations(ctx context.Context, set destinations.Set, what string, fn func(ctx context.Context, d destinations.Destination) error) (string, error) {
	used, err := set.Try(ctx, func(ctx context.Context, d destinations.Destination) error {
		err := fn(ctx, d)
		var usage usageError
		if errors.As(err, &usage) {
			return destinations.Final(err) // bad input: no other destination makes it good
		}
		if err != nil && ctx.Err() == nil && len(set) > 1 {
			fmt.Fprintf(a.errOut, "%s: destination %s could not serve it: %s\n", what, d.Name, OneLine(err))
		}
		return err
	})
	if err == nil && len(set) > 1 {
		fmt.Fprintf(a.errOut, "%s: from destination %s\n", what, used)
	}
	return used, err
}
