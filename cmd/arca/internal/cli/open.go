package cli

import (
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
)

// served says on stderr which destination served a read when the first
// did not.
func (a *app) served() func(key, d string, skipped []error) { return destinations.TellServed(a.errOut) }

// walFetchCommand is restore_command running this binary's wal-fetch with
// this configuration.
func (a *app) walFetchCommand() string { return stack.WALFetchCommand(a.configPath) }
