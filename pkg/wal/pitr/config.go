package pitr

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
)

// Config says where the backups are and how the restored server fetches WAL.
type Config struct {
	Store  objstore.Store
	Layout backup.Layout
	Keys   seal.KeyLookup

	// RestoreCommand is written as restore_command; it must hold %f and %p,
	// e.g. "/usr/local/bin/arca wal-fetch --config /etc/arca/arca.yaml %f %p".
	RestoreCommand string
	// Action is recovery_target_action: "promote" (default), "pause" or
	// "shutdown". Not written for Latest, which always ends by promoting.
	Action string
	// KeepArchiving leaves the backed-up cluster's archive settings in the
	// restored server, which then archives its new timeline into the same
	// archive: only for a restore that replaces the lost primary. By
	// default archive_mode = off is written, so that a drill or a
	// side-by-side restore never pushes a forked timeline into production's
	// archive (a restored cluster once did, and --latest then followed it).
	KeepArchiving bool
	// BackupID restores this base backup instead of choosing one.
	BackupID string

	syncFile func(*os.File) error // (*os.File).Sync; tests record what is synced
}

func (c Config) action() string {
	if c.Action == "" {
		return "promote"
	}
	return c.Action
}

func (c Config) validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("store is required"))
	}
	if c.Keys == nil {
		errs = append(errs, errors.New("keys are required"))
	}
	if !strings.Contains(c.RestoreCommand, "%f") || !strings.Contains(c.RestoreCommand, "%p") {
		errs = append(errs, fmt.Errorf("restore command %q must hold %%f and %%p", c.RestoreCommand))
	}
	switch c.action() {
	case "promote", "pause", "shutdown":
	default:
		errs = append(errs, fmt.Errorf("action %q is not promote, pause or shutdown", c.Action))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("pitr config: %w", err)
	}
	return nil
}
