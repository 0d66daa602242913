package tenantpitr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

// ExportFunc writes the archive of tenant, read from the database at dbURL,
// to w (the exporter's tenant export; services/exporter/tenantexport).
type ExportFunc func(ctx context.Context, dbURL, tenant string, w io.Writer) (archive.Manifest, error)

// Config is how to reach the backups and the tools.
type Config struct {
	// PITR says where the base backups and the WAL are and how the scratch
	// cluster fetches WAL (RestoreCommand). KeepArchiving and Action are set
	// here: off, and promote.
	PITR pitr.Config
	// Export exports the tenant from the scratch cluster.
	Export ExportFunc
	// SourceURL is the live database the tenant belongs to: the scratch
	// cluster is a copy of its server, and the export reads the database of
	// that name as that user.
	SourceURL string
	// PGBinDir holds pg_ctl and postgres of the backup's major version
	// (source.pg_bin_dir); empty: found from the installed version.
	PGBinDir string
	// TempDir is where the scratch cluster lives (default os.TempDir()).
	// It needs room for the whole base backup and the WAL replayed.
	TempDir string
	// Env is added to the scratch server's environment: restore_command
	// runs in it.
	Env []string
	// Progress, when set, is told when each step starts and ends.
	Progress func(Step)
}

func (c Config) validate() error {
	var errs []error
	if c.Export == nil {
		errs = append(errs, errors.New("an export function is required"))
	}
	if c.SourceURL == "" {
		errs = append(errs, errors.New("the source URL is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("tenant pitr config: %w", err)
	}
	return nil
}

// Request is one tenant point-in-time restore.
type Request struct {
	Tenant string
	// At is the moment to restore: every transaction committed at or
	// before it, none after.
	At time.Time
	// DB is the database restored into: the source for ModeReplace and
	// ModeIntoSchema, another one for ModeTarget.
	DB      string
	Options restore.Options
}

func (r Request) validate() error {
	var errs []error
	if r.Tenant == "" {
		errs = append(errs, errors.New("a tenant is required"))
	}
	if r.At.IsZero() {
		errs = append(errs, errors.New("a time is required"))
	}
	if r.DB == "" {
		errs = append(errs, errors.New("the database to restore into is required"))
	}
	errs = append(errs, r.Options.Validate())
	return errors.Join(errs...)
}
