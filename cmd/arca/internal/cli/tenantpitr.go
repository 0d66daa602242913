package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// tenantPITRConfig wires a tenant point-in-time restore (stack.TenantPITR)
// with this binary's wal-fetch as restore_command.
func (a *app) tenantPITRConfig(store objstore.Store, keys *keyring.Keyring, scratchDir string, progress func(tenantpitr.Step)) tenantpitr.Config {
	return stack.TenantPITR(a.cfg, store, keys, a.walFetchCommand(), scratchDir, Version, progress)
}

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

// restorerCmd runs the restorer: tenant point-in-time restores published
// as TenantRestoreRequested on jobs.restore, one at a time.
func (a *app) restorerCmd() *cobra.Command {
	var scratchDir string
	cmd := &cobra.Command{
		Use:   "restorer",
		Short: "Run the restorer: tenant point-in-time restores scheduled on jobs.restore",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return stack.RunRestorer(cmd.Context(), a.cfg, a.log, Version, a.walFetchCommand(), scratchDir, a.served)
		},
	}
	cmd.Flags().StringVar(&scratchDir, "scratch-dir", "", "where the scratch clusters live (default: the system temporary directory)")
	return cmd
}
