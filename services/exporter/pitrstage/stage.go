package pitrstage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/tenantexport"
)

// Config of the restorer.
type Config struct {
	// PITR is where the backups are and how the scratch cluster runs;
	// Export and Progress are the stage's own.
	PITR tenantpitr.Config
	// Export configures the export from the scratch cluster; its tenancy
	// is also the restore's.
	Export tenantexport.Config
	Worker jobs.Config
}

// Deps are the restorer's connection: JetStream (JOBS, EVENTS).
type Deps struct {
	JS jobs.JetStream
}

// Service is a running restorer.
type Service struct {
	js  jobs.JetStream
	cfg Config
}

// New builds the stage.
func New(d Deps, cfg Config) (*Service, error) {
	var errs []error
	if d.JS == nil {
		errs = append(errs, errors.New("restorer: JetStream is required"))
	}
	if cfg.PITR.SourceURL == "" {
		errs = append(errs, errors.New("restorer: source url is required"))
	}
	cfg.Export.Tenancy = cfg.Export.Tenancy.WithDefaults()
	if err := cfg.Export.Tenancy.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Worker.Slots <= 0 {
		cfg.Worker.Slots = 1 // each restore recovers a whole cluster
	}
	if cfg.Worker.MaxDeliver <= 0 {
		cfg.Worker.MaxDeliver = 3
	}
	if cfg.Worker.Prefetch <= 0 {
		cfg.Worker.Prefetch = 1
	}
	return &Service{js: d.JS, cfg: cfg}, nil
}

// Run consumes restore jobs until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	w := jobs.NewWorker(s.js, jobs.Stage{Name: messages.StageRestore, Subject: messages.SubjectRestore}, s.handle, s.cfg.Worker)
	return w.Run(ctx)
}

func (s *Service) handle(ctx context.Context, job *jobs.Job[messages.TenantRestoreRequested]) error {
	m := job.Msg
	event := func(stage string, status messages.Status, d time.Duration, attrs map[string]string) {
		_ = job.Publisher.Event(ctx, messages.Event{Tenant: m.Tenant, Kind: messages.KindTenant, BackupID: m.ID,
			Stage: stage, Status: status, Duration: messages.Duration(d), Attempt: int(job.Delivered), Attrs: attrs})
	}
	event(messages.StageRestore, messages.StatusStarted, 0, map[string]string{"at": m.At.UTC().Format(time.RFC3339Nano), "mode": m.Mode})

	cfg := s.cfg.PITR
	ecfg := s.cfg.Export
	cfg.Export = func(ctx context.Context, dbURL, tenant string, w io.Writer) (archive.Manifest, error) {
		return tenantexport.Tenant(ctx, ecfg, dbURL, tenant, w)
	}
	cfg.Progress = func(st tenantpitr.Step) {
		if st.Duration == 0 {
			event(messages.StageRestoreStep, messages.StatusStarted, 0, map[string]string{"step": st.Name})
			return
		}
		event(messages.StageRestoreStep, messages.StatusSucceeded, st.Duration, map[string]string{"step": st.Name, "detail": st.Detail})
	}
	req := tenantpitr.Request{Tenant: m.Tenant, At: m.At, DB: cfg.SourceURL,
		Options: restore.Options{Mode: restore.Mode(m.Mode), Schema: m.Schema, Tenancy: ecfg.Tenancy}}
	if m.Mode == string(restore.ModeTarget) {
		req.DB = m.Target
	}
	res, err := tenantpitr.Restore(ctx, cfg, req)
	if err != nil {
		return classify(err)
	}
	event(messages.StageRestore, messages.StatusSucceeded, res.RTO, map[string]string{
		"rto":             res.RTO.String(),
		"base_backup":     res.BaseBackup,
		"recovered_to":    formatTime(res.RecoveredTo),
		"rows":            strconv.FormatInt(res.Restore.Restored, 10),
		"scratch_removed": strconv.FormatBool(res.ScratchRemoved),
	})
	return nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// classify marks failures no retry can fix as permanent.
func classify(err error) error {
	var nc *tenantpitr.NotCoveredError
	switch {
	case errors.As(err, &nc), errors.Is(err, tenantpitr.ErrServerNotFound), errors.Is(err, tenancy.ErrUnknownTenant), errors.Is(err, tenancy.ErrEmptyPlan):
		return jobs.Permanent(err)
	}
	return fmt.Errorf("restorer: %w", err)
}
