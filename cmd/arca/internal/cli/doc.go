// Package cli is the arca command tree. Each command loads the one
// configuration file, opens what it needs through package stack, and
// reports in plain lines, a table, or JSON (--json) for scripts. Exit codes
// (ExitCode): 0 success, 1 failure, 2 bad usage or configuration, 3 a
// backup failed verification.
package cli
