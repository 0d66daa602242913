// Package cli is the arca command tree. Each command parses its flags,
// makes one call (to package stack, or the package that owns the work)
// and prints the result: its WriteText, written beside its type, or JSON
// (--json) for scripts. Exit codes (ExitCode): 0 success, 1 failure, 2
// bad usage or configuration, 3 a backup failed verification.
package cli
