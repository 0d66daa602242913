package pitr

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
)

// Target is where recovery stops: exactly one of Time, LSN and Latest.
type Target struct {
	Time   time.Time // recovery_target_time
	LSN    string    // recovery_target_lsn, "X/Y"
	Latest bool      // replay every archived segment
}

func (t Target) validate() error {
	n := 0
	for _, set := range []bool{!t.Time.IsZero(), t.LSN != "", t.Latest} {
		if set {
			n++
		}
	}
	if n != 1 {
		return errors.New("exactly one of target time, target LSN and latest is required")
	}
	if t.LSN != "" {
		if _, err := wal.ParseLSN(t.LSN); err != nil {
			return err
		}
	}
	return nil
}

func (t Target) String() string {
	switch {
	case t.Latest:
		return "latest"
	case t.LSN != "":
		return "LSN " + t.LSN
	}
	return "time " + t.Time.UTC().Format(time.RFC3339Nano)
}

// NoBackupError: no base backup ended before the target.
type NoBackupError struct {
	Target  Target
	Backups int // how many base backups there are
}

func (e *NoBackupError) Error() string {
	return fmt.Sprintf("no base backup ended before target %s (%d base backups in the bucket)", e.Target, e.Backups)
}

// Choose picks the newest base backup that ended before the target.
// backups must be in List's order (oldest stop first).
func Choose(backups []basebackup.Backup, t Target) (basebackup.Backup, error) {
	if err := t.validate(); err != nil {
		return basebackup.Backup{}, err
	}
	var lsn wal.LSN
	if t.LSN != "" {
		lsn, _ = wal.ParseLSN(t.LSN)
	}
	for _, b := range slices.Backward(backups) {
		switch {
		case t.Latest:
			return b, nil
		case !t.Time.IsZero() && !b.Facts.StopTime.After(t.Time):
			return b, nil
		case t.LSN != "":
			if stop, err := wal.ParseLSN(b.Facts.StopLSN); err == nil && stop <= lsn {
				return b, nil
			}
		}
	}
	return basebackup.Backup{}, &NoBackupError{Target: t, Backups: len(backups)}
}
