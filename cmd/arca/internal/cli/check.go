package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/health"
	"github.com/arcabackup/arca/pkg/messages"
)

func (a *app) checkCmd() *cobra.Command {
	var loadErr error
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the configuration, database role, bucket, keyring, NATS, archiving and schedules; print every problem",
		Args:  cobra.NoArgs,
		// The configuration's problems are findings here, not a refusal to run.
		PersistentPreRunE: func(*cobra.Command, []string) error { loadErr = a.load(); return nil },
		RunE: func(cmd *cobra.Command, _ []string) error {
			var f health.Findings
			if loadErr != nil {
				for _, line := range config.Problems(loadErr) {
					f.Fail("config", "%s", messages.RedactSecrets(line))
				}
				return a.reportChecks(f, 2)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			f.OK("config", "%s", a.configName())
			stack.Check(ctx, a.cfg, &f)
			return a.reportChecks(f, 1)
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", time.Minute, "give up on the checks after this long")
	return cmd
}

func (a *app) configName() string {
	if a.configPath == "" {
		return "embedded defaults (no --config or ARCA_CONFIG)"
	}
	return a.configPath + " is valid"
}

func (a *app) bucketName() string { return stack.BucketName(a.cfg) }

func (a *app) reportChecks(f health.Findings, failCode int) error {
	rep := f.Report()
	a.emit(rep, func(w io.Writer) {
		t := newTable(w, "")
		for _, ch := range rep.Checks {
			t.row(strings.ToUpper(string(ch.Status)), ch.Check, ch.Detail)
		}
		t.flush()
		switch {
		case rep.Problems > 0:
			fmt.Fprintf(w, "%d problem(s), %d warning(s)\n", rep.Problems, rep.Warnings)
		case rep.Warnings > 0:
			fmt.Fprintf(w, "no problems, %d warning(s)\n", rep.Warnings)
		default:
			fmt.Fprintln(w, "no problems")
		}
	})
	if rep.OK {
		return nil
	}
	return exitError{code: failCode, quiet: true, err: fmt.Errorf("arca check: %d problem(s)", rep.Problems)}
}
