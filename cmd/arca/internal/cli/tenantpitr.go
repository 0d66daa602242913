package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
)

// pitrProgress tells each step of a tenant point-in-time restore on stderr.
func (a *app) pitrProgress(s tenantpitr.Step) {
	if s.Duration == 0 {
		fmt.Fprintf(a.errOut, "tenant pitr: %s...\n", s.Name)
	} else {
		fmt.Fprintf(a.errOut, "tenant pitr: %s done in %s %s\n", s.Name, s.Duration.Round(time.Millisecond), s.Detail)
	}
}

// printTenantPITR is a tenant point-in-time restore's result.
func printTenantPITR(w io.Writer, res tenantpitr.Result, mode restore.Mode) {
	fmt.Fprintf(w, "restored tenant %s as of %s (%s) by point-in-time recovery: base backup %s, WAL replayed to the last commit at or before it (%s)\n",
		res.Tenant, res.At.Format(time.RFC3339Nano), mode, res.BaseBackup, recoveredTo(res.RecoveredTo))
	printTenantRows(w, res.Restore)
	fmt.Fprintf(w, "RTO %s:", res.RTO.Round(time.Millisecond))
	for _, s := range res.Steps {
		fmt.Fprintf(w, " %s %s;", s.Name, s.Duration.Round(time.Millisecond))
	}
	fmt.Fprintf(w, " scratch cluster removed: %t\n", res.ScratchRemoved)
}

// walFetchCommand is restore_command running this binary's wal-fetch with
// this configuration.
func (a *app) walFetchCommand() string {
	self, _ := os.Executable()
	conf := ""
	if a.configPath != "" {
		abs, _ := filepath.Abs(a.configPath)
		conf = " --config " + abs
	}
	return fmt.Sprintf("%s wal-fetch%s %%f %%p", self, conf)
}

func recoveredTo(t time.Time) string {
	if t.IsZero() {
		return "no transaction after the base backup"
	}
	return "last commit " + t.UTC().Format(time.RFC3339Nano)
}
