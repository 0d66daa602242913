package wal

import (
	"errors"
	"fmt"
)

// ErrNotFound: the archive does not hold the requested file. restore_command
// must exit with status 1 for it, and only for it.
var ErrNotFound = errors.New("not in the archive")

// ConflictError reports that the archive already holds a different file
// under the name being pushed. PostgreSQL must not recycle its copy.
type ConflictError struct {
	Key            string
	Archived, Push string // hex SHA-256 of the plaintexts
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("archive already holds a different %s (plaintext SHA-256 %s, pushing %s): refusing to overwrite; two clusters may share one archive prefix",
		e.Key, short(e.Archived), short(e.Push))
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}

// Exit codes for archive_command and restore_command.
const (
	ExitOK       = 0
	ExitNotFound = 1   // restore_command: no such file, recovery ends here
	ExitFailed   = 2   // archive_command: PostgreSQL retries later
	ExitAbort    = 128 // restore_command: above 125, PostgreSQL aborts recovery
)

// PushExitCode maps Push's error to archive_command's exit status.
func PushExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	return ExitFailed
}

// FetchExitCode maps Fetch's error to restore_command's exit status: 1 only
// for a file that does not exist, 128 (abort recovery) for anything else.
func FetchExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrNotFound):
		return ExitNotFound
	}
	return ExitAbort
}
