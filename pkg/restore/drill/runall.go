package drill

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"

	"github.com/arcabackup/arca/pkg/backup"
)

// Options of RunAll: the tenants' drill and the newest full dump's.
type Options struct {
	// Config is the tenants' drill (Run).
	Config
	// Repo finds and reads the backups.
	Repo backup.Repository
	// FullAdminURL connects to the cluster the full dump's scratch
	// database is created in.
	FullAdminURL string
	// PGRestore is the pg_restore binary; a bare name is looked up on the
	// PATH.
	PGRestore string
}

// Outcome is a whole drill. Full comes first in JSON, as arca drill
// --json has always printed it.
type Outcome struct {
	Full    *FullReport `json:"full"` // nil: no full dump yet
	Tenants Report      `json:"tenants"`
}

// Err is nil when the tenants and the full dump passed (Report.Err).
func (o Outcome) Err() error { return o.Tenants.Err(o.Full) }

// RunAll restores the sample of tenants (Run) and then the newest full
// dump (Full). A failed restore is an outcome that does not pass; the
// error is for a drill that could not run.
func RunAll(ctx context.Context, o Options) (Outcome, error) {
	rep, err := Run(ctx, Bucket{Repo: o.Repo}, o.Config)
	if err != nil {
		return Outcome{}, err
	}
	bin := o.PGRestore
	if filepath.Base(bin) == bin {
		if bin, err = exec.LookPath(bin); err != nil {
			return Outcome{Tenants: rep}, fmt.Errorf("drill full: %w", err)
		}
	}
	full, err := Full(ctx, FullConfig{Repo: o.Repo, AdminURL: o.FullAdminURL, PGRestore: bin})
	if err != nil {
		return Outcome{Tenants: rep}, err
	}
	return Outcome{Full: full, Tenants: rep}, nil
}

// WriteText is the tenants' summary, then the full dump's line.
func (o Outcome) WriteText(w io.Writer) {
	fmt.Fprint(w, o.Tenants.Summary())
	if full := o.Full; full != nil {
		fmt.Fprintf(w, "full dump %s: passed %v, %d tables, %d rows, RTO %.1fs %s\n",
			full.BackupID, full.Passed, full.Tables, full.Rows, full.RTOSeconds, full.Reason)
	}
}
