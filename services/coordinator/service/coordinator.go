package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/sync/errgroup"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
	"github.com/arcabackup/arca/services/coordinator/internal/fanout"
	"github.com/arcabackup/arca/services/coordinator/internal/tracker"
)

// Deps are the coordinator's connections and sources. Only JS and
// Catalog are required; without Store and Keys it schedules, fans out and
// keeps the catalog, and restores, retention and the console's key list
// answer "not available".
type Deps struct {
	JS jetstream.JetStream
	// Catalog is a pool on the catalog database (tables in schema
	// arca_catalog, migrated at start).
	Catalog catalog.DB
	// Source lists the tenants (the source database; a read replica will
	// do). Nil: runs must name their tenants.
	Source tenancy.Querier
	// Store is the bucket restores read and retention prunes; Keys opens
	// the keyring that authenticates and opens what it holds.
	Store objstore.Store
	Keys  KeySource
	// Tasks runs drills, base backups and WAL checks (see Tasks); unset
	// ignores their fires.
	Tasks Tasks
}

// RunInfo names a run handed to a callback.
type RunInfo struct {
	ID          string
	Schedule    string
	ScheduledAt time.Time
}

// Service schedules, fans out and tracks backups.
type Service struct {
	deps Deps
	cfg  Config
	cat  *catalog.Catalog
	// ops restores, prunes and drills; nil without Store and Keys.
	ops    operations
	pub    *jobs.Publisher
	fanout *fanout.Fanout
	log    *slog.Logger

	setupMu   sync.Mutex
	setupDone bool
	// restores runs restore executors; Run waits for them at shutdown.
	restores   sync.WaitGroup
	restoreCtx context.Context
	stopRest   context.CancelFunc
}

// New builds a coordinator without touching the network.
func New(deps Deps, cfg Config) (*Service, error) {
	if deps.JS == nil || deps.Catalog == nil {
		return nil, errors.New("coordinator: JS and Catalog are required")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("coordinator: %w", err)
	}
	cfg = cfg.withDefaults()
	cat := catalog.New(deps.Catalog)
	pub := jobs.NewPublisher(deps.JS)
	rctx, stop := context.WithCancel(context.Background())
	var ops operations
	if deps.Store != nil && deps.Keys != nil {
		ops = bucketOps{store: deps.Store, keys: deps.Keys, tasks: deps.Tasks, cfg: cfg, log: cfg.Logger}
	}
	return &Service{
		deps: deps, cfg: cfg, cat: cat, pub: pub, log: cfg.Logger, ops: ops,
		fanout: &fanout.Fanout{
			Catalog: cat, Publisher: pub, Source: deps.Source, Tenancy: cfg.Tenancy, InFlight: cfg.InFlight,
			BatchSize: cfg.ExportBatch,
		},
		restoreCtx: rctx, stopRest: stop,
	}, nil
}

// setup migrates the catalog and creates the streams, once per process.
func (c *Service) setup(ctx context.Context) error {
	c.setupMu.Lock()
	defer c.setupMu.Unlock()
	if c.setupDone {
		return nil
	}
	if err := catalog.Migrate(ctx, c.deps.Catalog); err != nil {
		return fmt.Errorf("coordinator setup: %w", err)
	}
	if err := jobs.EnsureStreams(ctx, c.deps.JS, c.cfg.Streams); err != nil {
		return fmt.Errorf("coordinator setup: %w", err)
	}
	c.setupDone = true
	return nil
}

// Run syncs the schedules, then handles fires, tracks events, expires
// stuck jobs and serves the API (when API.Addr is set) until ctx ends.
// It returns nil on a clean shutdown.
func (c *Service) Run(ctx context.Context) error {
	if err := c.setup(ctx); err != nil {
		return err
	}
	if err := c.syncSchedules(ctx); err != nil {
		return err
	}
	// One errgroup: the first loop to fail stops the others.
	g, gctx := errgroup.WithContext(ctx)
	run := func(name string, f func(context.Context) error) {
		g.Go(func() error {
			if err := f(gctx); err != nil && gctx.Err() == nil {
				return fmt.Errorf("coordinator %s: %w", name, err)
			}
			return nil
		})
	}
	run("schedules", c.consumeFires)
	run("events", tracker.New(c.deps.JS, c.cat, c.cfg.Retry, c.log).Run)
	run("sweeper", c.sweep)
	if c.cfg.API.Addr != "" {
		run("api", c.serve)
	}
	err := g.Wait()
	c.stopRest()
	c.restores.Wait()
	return err
}

// sweep expires jobs with no progress within InFlight, so their runs end,
// and fans out again runs stalled for longer than ResumeAfter.
func (c *Service) sweep(ctx context.Context) error {
	t := time.NewTicker(max(min(c.cfg.InFlight/4, c.cfg.ResumeAfter/2, time.Minute), 100*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			now := time.Now().UTC()
			if n, err := c.cat.ExpireStale(ctx, now.Add(-c.cfg.InFlight), now); err != nil {
				c.log.Warn("sweeper: expiring stale jobs failed", "err", err)
			} else if n > 0 {
				c.log.Warn("sweeper: expired jobs without progress", "jobs", n, "limit", c.cfg.InFlight)
			}
			c.resume(ctx, now.Add(-c.cfg.ResumeAfter))
		}
	}
}

// resume fans out again the runs whose fan-out stalled.
func (c *Service) resume(ctx context.Context, before time.Time) {
	runs, err := c.cat.StalledRuns(ctx, before)
	if err != nil {
		c.log.Warn("sweeper: finding stalled runs failed", "err", err)
		return
	}
	for _, r := range runs {
		res, err := c.fanout.Run(ctx, fanout.Request{Run: r})
		if err != nil {
			c.log.Warn("sweeper: resuming a stalled run failed", "run", r.ID, "err", err)
			continue
		}
		c.log.Warn("sweeper: resumed a stalled run", "run", r.ID, "published", res.Published)
	}
}

// serve runs the HTTP API until ctx ends, then shuts it down gracefully.
func (c *Service) serve(ctx context.Context) error {
	srv := &http.Server{Addr: c.cfg.API.Addr, Handler: c.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
