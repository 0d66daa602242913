package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/coordinator/internal/api"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
	"github.com/arcabackup/arca/services/coordinator/internal/console"
)

// Restore modes a RestoreJob may carry.
const (
	RestoreTarget     = catalog.RestoreTarget     // Target names a scratch database
	RestoreIntoSchema = catalog.RestoreIntoSchema // Target names a new schema of the source database
	RestoreReplace    = catalog.RestoreReplace    // the live tenant is replaced; Target is empty
)

// RestorePlan is what a restore would do, table by table; PlanTable is
// one of its tables.
type (
	RestorePlan = console.Plan
	PlanTable   = console.PlanTable
	// RetentionDecision is one backup of a retention plan; KeyVersion one
	// version of a key (never its material).
	RetentionDecision = console.RetentionDecision
	KeyVersion        = console.KeyVersion
)

// PlanRestore says what a restore of the
// backup would do.
func (c *Service) PlanRestore(ctx context.Context, backupID, mode, target string) (RestorePlan, error) {
	if c.ops == nil {
		return RestorePlan{}, console.ErrNoPlan
	}
	if err := c.setup(ctx); err != nil {
		return RestorePlan{}, err
	}
	b, err := c.cat.Backup(ctx, backupID)
	if err != nil {
		return RestorePlan{}, fmt.Errorf("plan restore: %w", err)
	}
	return c.ops.planRestore(ctx, RestoreJob{BackupID: b.BackupID, Tenant: b.Tenant, Kind: b.Kind, Report: func(string) {},
		ManifestKey: b.ManifestKey, Mode: mode, Target: target})
}

// ConsoleOIDC configures the console's OpenID Connect sign-in.
type ConsoleOIDC = console.OIDC

// AuditEntry is one line of the audit log.
type AuditEntry = catalog.AuditEntry

// consoleCredentials are the tokens that sign in to the console: the API
// token as an operator, the viewer token as a viewer.
func (c *Service) consoleCredentials() []console.Credential {
	var out []console.Credential
	if c.cfg.API.Token != "" {
		out = append(out, console.Credential{Label: "api-token", Token: c.cfg.API.Token, Role: console.RoleOperator})
	}
	if c.cfg.API.ViewerToken != "" {
		out = append(out, console.Credential{Label: "viewer-token", Token: c.cfg.API.ViewerToken, Role: console.RoleViewer})
	}
	return out
}

// consoleService adapts the coordinator to what the console needs.
type consoleService struct {
	apiService
}

func (s consoleService) Tenants(ctx context.Context) ([]catalog.TenantSummary, error) {
	if err := s.c.setup(ctx); err != nil {
		return nil, err
	}
	return s.c.cat.Tenants(ctx)
}

func (s consoleService) Whole(ctx context.Context) (catalog.Whole, error) {
	return s.c.cat.Whole(ctx)
}

func (s consoleService) Stages(ctx context.Context, backupID string) ([]catalog.Stage, error) {
	return s.c.cat.Stages(ctx, backupID)
}

func (s consoleService) Copies(ctx context.Context, backupID string) ([]catalog.Copy, error) {
	return s.c.Copies(ctx, backupID)
}

func (s consoleService) Runs(ctx context.Context, limit int) ([]catalog.Run, error) {
	return s.c.Runs(ctx, limit)
}

func (s consoleService) Drills(ctx context.Context, tenant string, limit int) ([]catalog.Drill, error) {
	return s.c.cat.Drills(ctx, tenant, limit)
}

func (s consoleService) Restores(ctx context.Context, tenant string, limit int) ([]catalog.Restore, error) {
	return s.c.cat.Restores(ctx, tenant, limit)
}

func (s consoleService) StartRestore(ctx context.Context, r console.RestoreRequest) (catalog.Restore, error) {
	res, err := s.c.startRestore(ctx, r.BackupID, r.Mode, r.Target)
	switch {
	case errors.Is(err, api.ErrInvalid):
		return res, fmt.Errorf("%w: %w", console.ErrInvalid, err)
	case errors.Is(err, api.ErrNoExecutor):
		return res, fmt.Errorf("%w: %w", console.ErrInvalid, err)
	}
	return res, err
}

func (s consoleService) PlanRestore(ctx context.Context, r console.RestoreRequest) (console.Plan, error) {
	return s.c.PlanRestore(ctx, r.BackupID, r.Mode, r.Target)
}

func (s consoleService) Audit(ctx context.Context, tenant string, limit int) ([]catalog.AuditEntry, error) {
	return s.c.cat.Audit(ctx, tenant, limit)
}

func (s consoleService) SignOut(ctx context.Context, nonce string, expires time.Time) error {
	return s.c.cat.SignOut(ctx, nonce, expires)
}

func (s consoleService) SignedOut(ctx context.Context, nonce string) (bool, error) {
	return s.c.cat.SignedOut(ctx, nonce)
}

func (s consoleService) AddAudit(ctx context.Context, e catalog.AuditEntry) error {
	return s.c.cat.AddAudit(ctx, e)
}

func (s consoleService) StartDrill(ctx context.Context) (catalog.Run, error) {
	return s.c.StartDrill(ctx, "console")
}

func (s consoleService) RetentionPlan(ctx context.Context) ([]console.RetentionDecision, error) {
	if s.c.ops == nil {
		return nil, console.ErrNotWired
	}
	return s.c.ops.retentionPlan(ctx)
}

func (s consoleService) Keys(ctx context.Context) ([]console.KeyVersion, error) {
	if s.c.ops == nil {
		return nil, console.ErrNotWired
	}
	return s.c.ops.keyVersions(ctx)
}

// StartDrill runs a drill (Deps.Tasks) now, as a run of kind drill, in the
// background (Run waits for it at shutdown); follow it with RunStatus.
func (c *Service) StartDrill(ctx context.Context, trigger string) (Run, error) {
	if c.ops == nil || !c.ops.tasksWired() {
		return Run{}, console.ErrNotWired
	}
	if err := c.setup(ctx); err != nil {
		return Run{}, err
	}
	now := time.Now().UTC()
	nr := catalog.NewRun{ID: manualRunID(trigger, now), Kind: ScheduleDrill, Trigger: trigger, ScheduledAt: now}
	run, err := c.cat.ClaimRun(ctx, nr)
	if err != nil {
		return Run{}, fmt.Errorf("start drill: %w", err)
	}
	link := trace.SpanContextFromContext(ctx) // the request's span, if any
	c.restores.Go(func() {
		rctx := c.restoreCtx
		runErr := c.traced(trace.ContextWithSpanContext(rctx, link), ScheduleDrill, func(ctx context.Context) error {
			return c.ops.drill(ctx, RunInfo{ID: run.ID, ScheduledAt: now})
		}, attribute.String("arca.run", run.ID), attribute.String("arca.trigger", trigger))
		if runErr != nil {
			c.log.Error("drill failed", "run", run.ID, "err", runErr)
		}
		if err := c.cat.EndRun(context.WithoutCancel(rctx), run.ID, runErr, time.Now().UTC()); err != nil {
			c.log.Warn("drill run not ended", "run", run.ID, "err", err)
		}
	})
	return run, nil
}

// Fleet reads the queues from JetStream; a stream that does not exist yet
// counts as empty.
func (s consoleService) Fleet(ctx context.Context) (console.Fleet, error) {
	var f console.Fleet
	for name, n := range map[string]*int64{messages.StreamJobs: &f.QueueDepth, messages.StreamDLQ: &f.DeadLetters} {
		st, err := s.c.deps.JS.Stream(ctx, name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			continue
		}
		if err != nil {
			return f, fmt.Errorf("stream %s: %w", name, err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			return f, fmt.Errorf("stream %s: %w", name, err)
		}
		*n = int64(info.State.Msgs)
	}
	now := time.Now()
	for _, d := range s.c.cfg.Schedules.definitions() {
		sc := console.Schedule{Name: d.Name, Expr: d.Expr, Zone: d.TimeZone}
		if next, ok := d.Next(now); ok {
			sc.Next = &next
		}
		f.Schedules = append(f.Schedules, sc)
	}
	return f, nil
}

// Console is the web console (package console), served under /console/
// by Handler.
func (c *Service) Console() (http.Handler, error) {
	return console.Handler(consoleService{apiService{c}}, console.Config{
		Credentials: c.consoleCredentials(), JaegerURL: c.cfg.API.JaegerURL, OIDC: c.cfg.API.OIDC, Logger: c.log,
	})
}

// RecordAudit appends an entry to the catalog's audit log (the CLI's key
// actions; the console writes its own). The catalog must be migrated.
func RecordAudit(ctx context.Context, db catalog.DB, e AuditEntry) error {
	return catalog.New(db).AddAudit(ctx, e)
}
