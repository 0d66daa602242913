package service

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/coordinator/internal/schedule"
)

// Config tunes a coordinator. Zero durations take the defaults.
type Config struct {
	Schedules Schedules      `yaml:"schedules" json:"schedules"`
	Tenancy   tenancy.Config `yaml:"tenancy" json:"tenancy"`
	API       API            `yaml:"api" json:"api"`
	// Streams sizes JOBS, EVENTS, DLQ and SCHEDULES (Replicas: 3 in
	// production clusters).
	Streams jobs.StreamOptions `yaml:"-" json:"-"`
	// InFlight is how long a job without any event still counts as in
	// flight, so that its tenant is not queued again (default 6h, the
	// duplicate window). Older ones are expired.
	InFlight time.Duration `yaml:"in_flight" json:"in_flight"`
	// ExportBatch is how many tenants of a run go into one export batch,
	// which exporters read together, each taking up to its own batch_size
	// of it at once: one scan of each shared table per exporter batch
	// instead of one per tenant (default 64; 1: every tenant alone).
	ExportBatch int `yaml:"export_batch" json:"export_batch"`
	// FireAckWait is how long a fire handled by a replica that died waits
	// before another replica takes it over (default 1m).
	FireAckWait time.Duration `yaml:"fire_ack_wait" json:"fire_ack_wait"`
	// ResumeAfter is how long a run may stay fanning out before a replica
	// fans it out again, when its fire was lost (default 15m).
	ResumeAfter time.Duration `yaml:"resume_after" json:"resume_after"`
	// Retry is the pause before a failed fan-out or event is tried again
	// (default 5s).
	Retry time.Duration `yaml:"retry" json:"retry"`
	// SourceURL is the source database as the coordinator's role
	// (arca_drill): restores land there or in scratch databases on its
	// cluster, and plans read it. It may hold a password: never logged.
	SourceURL string `yaml:"-" json:"-"`
	// Layout is the bucket's; Retention the policy retention runs apply.
	Layout    backup.Layout    `yaml:"-" json:"-"`
	Retention retention.Policy `yaml:"-" json:"-"`
	// Copies are the further destinations (store.destinations), each
	// pruned with its own policy after the primary (its WAL with its own
	// base backups when it holds a copy of the archive), and read after
	// the primary by the tenant PITR coverage check.
	Copies []RetentionCopy `yaml:"-" json:"-"`
	Logger *slog.Logger    `yaml:"-" json:"-"`
	// Tracer gets the spans of restores, drills and other scheduled runs;
	// nil: the global provider.
	Tracer trace.TracerProvider `yaml:"-" json:"-"`
}

// Schedules are cron expressions with seconds ("0 0 1 * * *" is 01:00:00
// daily), a predefined @daily/@weekly/@monthly/@hourly/@yearly, or
// "@every <duration>" (no time zone). An empty expression disables the
// schedule, and removes it from NATS at the next start.
type Schedules struct {
	Timezone     string `yaml:"timezone" json:"timezone"` // IANA, e.g. America/Sao_Paulo; empty: UTC
	TenantExport string `yaml:"tenant_export" json:"tenant_export"`
	Full         string `yaml:"full" json:"full"`
	Drill        string `yaml:"drill" json:"drill"`
	Retention    string `yaml:"retention" json:"retention"`
	// Base takes a physical base backup; WALCheck checks the WAL archive
	// for gaps and staleness (the RPO).
	Base     string `yaml:"base" json:"base"`
	WALCheck string `yaml:"wal_check" json:"wal_check"`
}

// DefaultSchedules: tenant exports daily at 01:00, full dumps on Sundays
// at 02:00, drills on the 1st of the month at 04:00, retention daily at
// 03:00. Base backups and the WAL check are off unless configured: they
// need WAL archiving (e.g. base "0 0 3 * * 0", wal_check "0 */10 * * * *").
func DefaultSchedules() Schedules {
	return Schedules{
		TenantExport: "0 0 1 * * *",
		Full:         "0 0 2 * * 0",
		Drill:        "0 0 4 1 * *",
		Retention:    "0 0 3 * * *",
	}
}

// API configures the HTTP API. An empty Addr serves nothing (Handler still
// works); an empty Token refuses every /v1 request.
type API struct {
	Addr  string `yaml:"addr" json:"addr"`
	Token string `yaml:"-" json:"-"` // from the environment or a secret store, never the file
	// ViewerToken signs in to the console as a viewer (reads, never
	// restores); the API token signs in as an operator. Empty: no viewers.
	ViewerToken string `yaml:"-" json:"-"`
	// JaegerURL is the Jaeger UI's base URL the console links traces to;
	// empty hides the links.
	JaegerURL string `yaml:"jaeger_url" json:"jaeger_url"`
	// OIDC adds a console sign-in through an OpenID Connect provider,
	// roles from a claim; an empty issuer leaves only the tokens.
	OIDC ConsoleOIDC `yaml:"-" json:"-"`
}

// Schedule names, also the run kinds of drill and retention runs.
const (
	ScheduleTenantExport = "tenant_export"
	ScheduleFull         = "full"
	ScheduleDrill        = "drill"
	ScheduleRetention    = "retention"
	ScheduleBase         = "base"
	ScheduleWALCheck     = "wal_check"
)

func (s Schedules) definitions() []schedule.Definition {
	var out []schedule.Definition
	add := func(name, kind, expr string) {
		if expr != "" {
			out = append(out, schedule.Definition{Name: name, Kind: kind, Expr: expr, TimeZone: s.Timezone})
		}
	}
	add(ScheduleTenantExport, "tenant", s.TenantExport)
	add(ScheduleFull, "full", s.Full)
	add(ScheduleDrill, ScheduleDrill, s.Drill)
	add(ScheduleRetention, ScheduleRetention, s.Retention)
	add(ScheduleBase, ScheduleBase, s.Base)
	add(ScheduleWALCheck, ScheduleWALCheck, s.WALCheck)
	return out
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.Schedules.Timezone != "" {
		if _, err := time.LoadLocation(c.Schedules.Timezone); err != nil {
			errs = append(errs, fmt.Errorf("schedules.timezone %q: %w", c.Schedules.Timezone, err))
		}
	}
	for _, d := range c.Schedules.definitions() {
		if err := schedule.ValidateExpr(d.Expr); err != nil {
			errs = append(errs, fmt.Errorf("schedules.%s: %w", d.Name, err))
		}
	}
	if err := c.Tenancy.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.API.Addr != "" && c.API.Token == "" {
		errs = append(errs, errors.New("api: a token is required when the API is served"))
	}
	if c.API.ViewerToken != "" && c.API.ViewerToken == c.API.Token {
		errs = append(errs, errors.New("api: the viewer token must differ from the API token"))
	}
	if err := c.API.OIDC.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("api: %w", err))
	}
	if u := c.API.JaegerURL; u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		errs = append(errs, fmt.Errorf("api.jaeger_url %q: want an http(s) URL", u))
	}
	for name, d := range map[string]time.Duration{"in_flight": c.InFlight, "fire_ack_wait": c.FireAckWait, "resume_after": c.ResumeAfter, "retry": c.Retry} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s: negative duration %s", name, d))
		}
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.InFlight == 0 {
		c.InFlight = 6 * time.Hour
	}
	if c.ExportBatch <= 0 {
		c.ExportBatch = 64
	}
	if c.FireAckWait == 0 {
		c.FireAckWait = time.Minute
	}
	if c.ResumeAfter == 0 {
		c.ResumeAfter = 15 * time.Minute
	}
	if c.Retry == 0 {
		c.Retry = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// RetentionCopy is a further destination retention runs apply its own
// policy to.
type RetentionCopy struct {
	Name   string
	Store  objstore.Store
	Policy retention.Policy
	// WAL prunes this destination's copy of the WAL archive (a
	// destination that takes base backups holds one); nil leaves its WAL
	// alone.
	WAL prune.WALPruner
}
