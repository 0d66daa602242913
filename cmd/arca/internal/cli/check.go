package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/health"
	"github.com/arcabackup/arca/pkg/tenancy"
)

func (a *app) checkCmd() *cobra.Command {
	var loadErr error
	var timeout time.Duration
	cmd := command("check", cobra.NoArgs,
		"Check the configuration, database role, bucket, keyring, NATS, archiving and schedules; print every problem",
		func(ctx context.Context, _ []string) error {
			if loadErr != nil {
				return a.reportChecks(stack.ConfigFindings(loadErr), 2)
			}
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			return a.reportChecks(stack.Check(ctx, a.cfg, a.configPath), 1)
		})
	// The configuration's problems are findings here, not a refusal to run.
	cmd.PersistentPreRunE = func(*cobra.Command, []string) error { loadErr = a.load(); return nil }
	cmd.Flags().DurationVar(&timeout, "timeout", time.Minute, "give up on the checks after this long")
	return cmd
}

// reportChecks prints the findings; any problem is exit failCode, with
// nothing more on stderr.
func (a *app) reportChecks(f health.Findings, failCode int) error {
	rep := f.Report()
	a.show(rep)
	if rep.OK {
		return nil
	}
	return exitError{code: failCode, quiet: true, err: fmt.Errorf("arca check: %d problem(s)", rep.Problems)}
}

func (a *app) tenancyCmd() *cobra.Command {
	var only string
	plan := command("plan", cobra.NoArgs,
		"Show every tenant's plan: each table's role and why, the rows it selects, shared and unowned rows, warnings",
		func(ctx context.Context, _ []string) error {
			return a.print(tenancy.InspectSource(ctx, a.cfg.Source.URL, stack.Tenancy(a.cfg), only))
		})
	plan.Flags().StringVar(&only, "tenant", "", "show only this tenant's tables")
	return group("tenancy", "Check how the tenancy configuration divides the database", plan)
}
