package cli

import (
	"fmt"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
)

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
