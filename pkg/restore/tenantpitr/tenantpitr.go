package tenantpitr

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

// Restore restores the tenant as it was at req.At into req.DB: the newest
// base backup before At recovered into a scratch cluster to At, the tenant
// exported from it and restored in one transaction, the scratch cluster
// removed. The scratch cluster is removed however the restore ends. A
// failure before the tenant restore commits leaves the live database
// unchanged; a cleanup failure after it is returned with Result.Restore
// filled in and ScratchRemoved false.
func Restore(ctx context.Context, cfg Config, req Request) (Result, error) {
	start := time.Now()
	res := Result{Tenant: req.Tenant, At: req.At.UTC()}
	err := run(ctx, cfg, req, &res)
	res.RTO = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("restore tenant %s at %s: %w", req.Tenant, req.At.UTC().Format(time.RFC3339Nano), err)
	}
	return res, nil
}

func run(ctx context.Context, cfg Config, req Request, res *Result) (err error) {
	if err := errors.Join(cfg.validate(), req.validate()); err != nil {
		return err
	}
	// The scratch cluster is a copy of the source's server: the same
	// database, read as the same role (URL or keyword/value form).
	src, err := pgx.ParseConfig(cfg.SourceURL)
	if err != nil {
		return fmt.Errorf("source URL: %w", err)
	}
	user, db := src.User, src.Database
	pc := cfg.PITR
	pc.KeepArchiving, pc.Action = false, "promote" // a scratch cluster never archives

	step := newSteps(cfg.Progress, res)
	step.begin(StepBaseBackup)
	cover, err := Cover(ctx, pc, req.At)
	if err != nil {
		return err
	}
	if !cover.Covered() {
		return &NotCoveredError{Coverage: cover}
	}
	b := cover.Backup
	res.BaseBackup, res.ServerVersion = b.Manifest.BackupID, b.Facts.ServerVersion
	major, err := serverMajor(b.Facts.ServerVersion)
	if err != nil {
		return err
	}
	bin, err := ServerBinDir(ctx, cfg.PGBinDir, major)
	if err != nil {
		return err
	}
	sc, err := newScratch(cfg.TempDir, bin, cfg.Env)
	if err != nil {
		return err
	}
	defer func() {
		step.begin(StepCleanup)
		rerr := sc.remove()
		res.ScratchRemoved = rerr == nil
		step.end("")
		err = errors.Join(err, rerr)
	}()
	pc.BackupID = b.Manifest.BackupID
	pr, err := pitr.Restore(ctx, pc, pitr.Target{Time: req.At}, sc.pgdata)
	if err != nil {
		return err
	}
	if err := sc.configure(); err != nil {
		return fmt.Errorf("configure scratch cluster: %w", err)
	}
	step.end(fmt.Sprintf("base backup %s, %d files, %d bytes", b.Manifest.BackupID, pr.Files, pr.Bytes))

	step.begin(StepRecovery)
	if err := sc.start(ctx); err != nil {
		return err
	}
	res.RecoveredTo, err = sc.waitPromoted(ctx, sc.url(user, db))
	if err != nil {
		return err
	}
	if !res.RecoveredTo.IsZero() && res.RecoveredTo.After(req.At) {
		return fmt.Errorf("recovery replayed a transaction committed at %s, after the target", res.RecoveredTo.Format(time.RFC3339Nano))
	}
	step.end("last transaction replayed committed at " + formatTime(res.RecoveredTo))

	step.begin(StepExport)
	id := "pitr-" + req.At.UTC().Format("20060102T150405.000000Z")
	sp, err := spool(ctx, cfg.Export, sc.url(user, db), req.Tenant, id, filepath.Join(sc.dir, "export.arca"))
	if err != nil {
		return err
	}
	step.end(fmt.Sprintf("%d tables, %d bytes sealed", len(sp.archive.Tables), sp.manifest.Object.Size))

	step.begin(StepRestore)
	f, err := os.Open(sp.path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	res.Restore, err = restore.Tenant(ctx, req.DB, f, sp.manifest, sp.keys, req.Options)
	if err != nil {
		return err
	}
	step.end(fmt.Sprintf("%d rows restored (%s)", res.Restore.Restored, req.Options.Mode))
	return nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "(none after the base backup)"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// NotCoveredError: base backups and WAL do not reach the moment asked for.
type NotCoveredError struct{ Coverage Coverage }

func (e *NotCoveredError) Error() string {
	return "base backups and WAL do not cover " + e.Coverage.At.UTC().Format(time.RFC3339) + ": " + e.Coverage.Reason
}

// steps records each step's duration and reports progress.
type steps struct {
	progress func(Step)
	res      *Result
	cur      Step
}

func newSteps(progress func(Step), res *Result) *steps { return &steps{progress: progress, res: res} }

func (s *steps) begin(name string) {
	s.cur = Step{Name: name, Started: time.Now()}
	if s.progress != nil {
		s.progress(s.cur)
	}
}

func (s *steps) end(detail string) {
	s.cur.Duration, s.cur.Detail = max(time.Since(s.cur.Started), time.Nanosecond), detail
	s.res.Steps = append(s.res.Steps, s.cur)
	if s.progress != nil {
		s.progress(s.cur)
	}
}
