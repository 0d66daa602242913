package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/messages"
)

// Version is the tool version recorded in manifests.
var Version = "0.1.0-dev"

// app is what every command shares.
type app struct {
	out, errOut io.Writer
	configPath  string
	json        bool
	verbose     bool
	cfg         config.Config
	log         *slog.Logger
}

// Execute runs the command line.
func Execute(ctx context.Context, args []string, out, errOut io.Writer) error {
	a := &app{out: out, errOut: errOut}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetOut(out)
	root.SetErr(errOut)
	err := root.ExecuteContext(ctx)
	if err != nil && isUsage(err) {
		return usageError{cleanUsage(err)}
	}
	return err
}

// rootCmd is the whole command tree.
func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:               "arca",
		Short:             "Backups of multi-tenant PostgreSQL, tenant by tenant, sealed, verified",
		Version:           Version,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: func(*cobra.Command, []string) error { return a.load() },
	}
	f := root.PersistentFlags()
	f.StringVar(&a.configPath, "config", os.Getenv("ARCA_CONFIG"), "configuration file (env ARCA_CONFIG); none: embedded defaults")
	f.BoolVar(&a.json, "json", false, "print machine-readable JSON")
	f.BoolVarP(&a.verbose, "verbose", "v", false, "log what the services do")
	root.AddCommand(
		a.devCmd(),
		a.traced(a.backupCmd()), a.listCmd(), a.verifyCmd(), a.traced(a.restoreCmd()), a.decryptCmd(), a.keysCmd(), a.traced(a.drillCmd()),
		a.pruneCmd(), a.copyCmd(), a.lifecycleCmd(), a.manifestsCmd(), a.tenancyCmd(), a.checkCmd(), a.infoCmd(),
	)
	root.AddCommand(a.serviceCmds()...)
	root.AddCommand(a.coordinatorCmds()...)
	root.AddCommand(a.walCmds()...)
	root.AddCommand(a.bucketCmd(), a.costCmd())
	root.AddCommand(healthcheckCmd())
	root.AddCommand(unconfigured(command("version", cobra.NoArgs, "Print the version of arca", func(context.Context, []string) error {
		a.emit(map[string]string{"version": Version}, func(w io.Writer) { fmt.Fprintln(w, "arca", Version) })
		return nil
	})))
	withHelp(root)
	return root
}

func (a *app) load() error {
	cfg, err := config.Load(a.configPath, os.Getenv)
	if err != nil {
		return usageError{err}
	}
	a.cfg = cfg
	level := slog.LevelWarn
	if a.verbose {
		level = slog.LevelInfo
	}
	a.log = slog.New(slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: level, ReplaceAttr: messages.RedactAttr}))
	return nil
}
