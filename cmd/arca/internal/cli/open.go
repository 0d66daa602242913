package cli

import (
	"context"
	"errors"
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

// pick is the destination of set a flag names.
func pick(set destinations.Set, flag, name string) (destinations.Destination, error) {
	d, ok := set.Get(name)
	if !ok {
		return d, usageError{fmt.Errorf("%s %q: not one of %v (store.destinations)", flag, name, set.Names())}
	}
	return d, nil
}
