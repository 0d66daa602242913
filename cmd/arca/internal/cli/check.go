package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/health"
	"github.com/arcabackup/arca/pkg/messages"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

func (a *app) checkCmd() *cobra.Command {
	var loadErr error
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the configuration, database role, bucket, keyring, NATS, archiving and schedules; print every problem",
		Long: `Checks everything a backup needs, as pgbackrest check does: the configuration; the source database
(the role can read every table, pg_dump is installed); WAL archiving when a base or WAL schedule is set
(archive_mode, archive_command running arca wal-push, the REPLICATION attribute); the bucket (write, read,
delete, versioning and Object Lock on S3); the keyring (it loads and has a primary key); the NATS streams;
the schedules; the catalog. Each problem is one line. Exits 1 if any check fails (2 if the configuration
itself is invalid); warnings do not fail it.`,
		Args: cobra.NoArgs,
		// The configuration's problems are findings here, not a refusal to run.
		PersistentPreRunE: func(*cobra.Command, []string) error { loadErr = a.load(); return nil },
		RunE: func(cmd *cobra.Command, _ []string) error {
			var f health.Findings
			if loadErr != nil {
				for _, line := range configProblems(loadErr) {
					f.Fail("config", "%s", line)
				}
				return a.reportChecks(f, 2)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			f.OK("config", "%s", a.configName())
			a.runChecks(ctx, &f)
			return a.reportChecks(f, 1)
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", time.Minute, "give up on the checks after this long")
	return cmd
}

// runChecks maps the configuration onto each of health's checks.
func (a *app) runChecks(ctx context.Context, f *health.Findings) {
	c, sch := a.cfg, a.cfg.Schedules
	health.CheckSource(ctx, f, health.Source{URL: c.Source.URL, PGBinDir: c.Source.PGBinDir, Exclude: c.Tenancy.Exclude,
		Drills: sch.Drill != "", Archiving: sch.Base != "" || sch.WALCheck != ""})
	// Every destination (store.destinations), the primary first.
	ds := c.Destinations()
	for i, d := range ds {
		where := a.bucketName()
		if i > 0 {
			where = destinationName(d, c.Store.Prefix)
		}
		if len(ds) > 1 {
			where = "destination " + d.Name + " " + where
		}
		if store, err := stack.OpenDestination(ctx, d, nil); err != nil {
			f.Fail("bucket", "%s: %s", where, OneLine(err))
		} else {
			health.CheckBucket(ctx, f, health.Bucket{Store: store, Layout: backupLayout(a), Where: where,
				S3Bucket: d.S3.Bucket, ObjectLock: d.S3.ObjectLock})
		}
	}
	kr, err := stack.Keyring(ctx, c, false)
	health.CheckKeyring(f, c.Keys.Keyring, kr, err)
	if url, err := stack.NATSURL(c); err != nil {
		f.Fail("nats", "%s", OneLine(err))
	} else {
		health.CheckNATS(ctx, f, health.NATS{URL: url, InboxPrefix: stack.InboxPrefix(url), Replicas: c.NATS.Replicas, Hint: stack.NATSHint})
	}
	a.checkSchedules(f)
	health.CheckCatalog(ctx, f, c.Catalog.URL)
}

func (a *app) configName() string {
	if a.configPath == "" {
		return "embedded defaults (no --config or ARCA_CONFIG)"
	}
	return a.configPath + " is valid"
}

func destinationName(d config.Destination, prefix string) string {
	if d.Kind == "s3" {
		return fmt.Sprintf("s3://%s/%s", d.S3.Bucket, prefix)
	}
	return d.FS.Dir
}

func (a *app) bucketName() string {
	if a.cfg.Store.Kind == "s3" {
		return fmt.Sprintf("s3://%s/%s", a.cfg.Store.S3.Bucket, a.cfg.Store.Prefix)
	}
	return a.cfg.Store.FS.Dir
}

// configProblems are the lines of a configuration error: one per problem.
func configProblems(err error) []string {
	var out []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = strings.TrimSpace(l); l != "" && l != "invalid configuration:" {
			out = append(out, messages.RedactSecrets(l))
		}
	}
	return out
}

func (a *app) reportChecks(f health.Findings, failCode int) error {
	rep := f.Report()
	a.emit(rep, func(w io.Writer) {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, ch := range rep.Checks {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.ToUpper(string(ch.Status)), ch.Check, ch.Detail)
		}
		tw.Flush()
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

// checkSchedules: the schedules parse, as the coordinator will read them.
func (a *app) checkSchedules(f *health.Findings) {
	s := a.cfg.Schedules
	cfg := coordinator.Config{
		Schedules: coordinator.Schedules{Timezone: s.Timezone, TenantExport: s.TenantExport, Full: s.Full, Drill: s.Drill,
			Retention: s.Retention, Base: s.Base, WALCheck: s.WALCheck},
		Tenancy: stack.Tenancy(a.cfg),
	}
	if err := cfg.Validate(); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			f.Fail("schedules", "%s", line)
		}
		return
	}
	var set []string
	for _, p := range []struct{ name, expr string }{{"tenant_export", s.TenantExport}, {"full", s.Full}, {"drill", s.Drill},
		{"retention", s.Retention}, {"base", s.Base}, {"wal_check", s.WALCheck}} {
		if p.expr != "" {
			set = append(set, fmt.Sprintf("%s %q", p.name, p.expr))
		}
	}
	f.OK("schedules", "%s (%s)", strings.Join(set, ", "), s.Timezone)
}
