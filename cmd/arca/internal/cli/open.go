package cli

import (
	"context"
	"fmt"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

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
	return destinations.NewReader(set, a.served())
}

// served says on stderr which destination served a read when the first
// did not.
func (a *app) served() func(key, d string, skipped []error) { return destinations.TellServed(a.errOut) }

// walFetchCommand is restore_command running this binary's wal-fetch with
// this configuration.
func (a *app) walFetchCommand() string { return stack.WALFetchCommand(a.configPath) }

// pick is the destination of set a flag names.
func pick(set destinations.Set, flag, name string) (destinations.Destination, error) {
	d, ok := set.Get(name)
	if !ok {
		return d, usageError{fmt.Errorf("%s %q: not one of %v (store.destinations)", flag, name, set.Names())}
	}
	return d, nil
}
