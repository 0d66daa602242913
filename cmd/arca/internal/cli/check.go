package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/messages"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// Check is one finding of arca check.
type Check struct {
	Check  string `json:"check"`  // config, source, archiving, bucket, keyring, nats, schedules, catalog
	Status string `json:"status"` // ok, warn, fail
	Detail string `json:"detail"`
}

// checkReport is arca check --json.
type checkReport struct {
	OK       bool    `json:"ok"`
	Problems int     `json:"problems"`
	Warnings int     `json:"warnings"`
	Checks   []Check `json:"checks"`
}

type checks struct{ list []Check }

func (c *checks) ok(name, format string, args ...any) {
	c.list = append(c.list, Check{name, "ok", fmt.Sprintf(format, args...)})
}
func (c *checks) warn(name, format string, args ...any) {
	c.list = append(c.list, Check{name, "warn", fmt.Sprintf(format, args...)})
}
func (c *checks) fail(name, format string, args ...any) {
	c.list = append(c.list, Check{name, "fail", fmt.Sprintf(format, args...)})
}

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
			var c checks
			if loadErr != nil {
				for _, line := range configProblems(loadErr) {
					c.fail("config", "%s", line)
				}
				return a.reportChecks(c, 2)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			c.ok("config", "%s", a.configName())
			a.checkSource(ctx, &c)
			a.checkBucket(ctx, &c)
			a.checkKeyring(ctx, &c)
			a.checkNATS(ctx, &c)
			a.checkSchedules(&c)
			a.checkCatalog(ctx, &c)
			return a.reportChecks(c, 1)
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

func (a *app) reportChecks(c checks, failCode int) error {
	rep := checkReport{OK: true, Checks: c.list}
	for _, ch := range c.list {
		switch ch.Status {
		case "fail":
			rep.Problems++
			rep.OK = false
		case "warn":
			rep.Warnings++
		}
	}
	a.emit(rep, func(w io.Writer) {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, ch := range c.list {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.ToUpper(ch.Status), ch.Check, ch.Detail)
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

func (a *app) checkKeyring(ctx context.Context, c *checks) {
	kr, err := stack.Keyring(ctx, a.cfg, false)
	if err != nil {
		c.fail("keyring", "%s: %s", a.cfg.Keys.Keyring, OneLine(err))
		return
	}
	kek, err := kr.Primary("")
	if err != nil {
		c.fail("keyring", "%s: %s", a.cfg.Keys.Keyring, OneLine(err))
		return
	}
	kind := "local"
	for _, i := range kr.List() {
		if i.ID == kek.ID {
			kind = i.Kind
		}
	}
	if kind == "kms" {
		// A KMS-backed key is only proven by using it.
		if _, err := kek.AEAD.Encrypt([]byte("arca check"), []byte("arca check")); err != nil {
			c.fail("keyring", "primary key %s: KMS Encrypt: %s", kek.ID, OneLine(err))
			return
		}
	}
	c.ok("keyring", "%s: %d key version(s), primary %s (%s)", a.cfg.Keys.Keyring, len(kr.List()), kek.ID, kind)
}

func (a *app) checkNATS(ctx context.Context, c *checks) {
	url, err := stack.NATSURL(a.cfg)
	if err != nil {
		c.fail("nats", "%s", OneLine(err))
		return
	}
	opts := []nats.Option{nats.Name("arca check"), nats.Timeout(5 * time.Second)}
	if p := stack.InboxPrefix(url); p != "" {
		opts = append(opts, nats.CustomInboxPrefix(p))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		c.fail("nats", "connect %s: %s; %s", messages.RedactURL(url), OneLine(messages.RedactError(err)), stack.NATSHint)
		return
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		c.fail("nats", "%s", OneLine(err))
		return
	}
	var found []string
	for _, name := range []string{messages.StreamJobs, messages.StreamEvents, messages.StreamDLQ} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			c.fail("nats", "stream %s: %s (the services create it when they start)", name, OneLine(err))
			continue
		}
		info := s.CachedInfo()
		found = append(found, fmt.Sprintf("%s (%d msgs, R%d)", name, info.State.Msgs, info.Config.Replicas))
		if want := max(a.cfg.NATS.Replicas, 1); info.Config.Replicas < want {
			c.warn("nats", "stream %s has %d replica(s), nats.replicas asks for %d", name, info.Config.Replicas, want)
		}
	}
	if len(found) > 0 {
		c.ok("nats", "%s: %s", messages.RedactURL(url), strings.Join(found, ", "))
	}
}

func (a *app) checkSchedules(c *checks) {
	s := a.cfg.Schedules
	cfg := coordinator.Config{
		Schedules: coordinator.Schedules{Timezone: s.Timezone, TenantExport: s.TenantExport, Full: s.Full, Drill: s.Drill,
			Retention: s.Retention, Base: s.Base, WALCheck: s.WALCheck},
		Tenancy: stack.Tenancy(a.cfg),
	}
	if err := cfg.Validate(); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			c.fail("schedules", "%s", line)
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
	c.ok("schedules", "%s (%s)", strings.Join(set, ", "), s.Timezone)
}
