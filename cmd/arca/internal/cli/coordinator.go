package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/drill"
	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/services/coordinator/coordinator"
)

// coordinatorFor builds the coordinator over a connection, wiring drills,
// retention and API restores to this binary's own implementations.
func (a *app) coordinatorFor(ctx context.Context, conn *stack.Conn, cat *pgxpool.Pool, store objstore.Store) (*coordinator.Coordinator, error) {
	src, err := pgxpool.New(ctx, a.cfg.Source.URL)
	if err != nil {
		return nil, err
	}
	context.AfterFunc(ctx, src.Close)
	token := os.Getenv(a.cfg.API.TokenEnv)
	deps := coordinator.Deps{
		JS: conn.JS, Catalog: cat, Source: src,
		OnRetention: func(ctx context.Context, run coordinator.RunInfo) error {
			p, err := prune.New(store, prune.Config{Layout: stack.Layout(a.cfg), Policy: policy(a.cfg),
				WAL: walPruner{cfg: wal.Config{Store: store, Layout: stack.Layout(a.cfg)}}})
			if err != nil {
				return err
			}
			rep, err := p.Run(ctx, false)
			a.log.Info("retention run", "run", run.ID, "deleted", rep.Deleted, "locked", rep.Locked, "freed", rep.BytesFreed)
			return err
		},
		OnDrill: func(ctx context.Context, run coordinator.RunInfo) error {
			return a.scheduledDrill(ctx, conn, store, run.ID)
		},
		Restore: func(ctx context.Context, r coordinator.RestoreJob) error {
			return a.apiRestore(ctx, store, r)
		},
		OnBase: func(ctx context.Context, run coordinator.RunInfo) error {
			_, err := a.takeBase(ctx, baseOptions{label: "arca " + run.ID, fast: false})
			return err
		},
		OnWALCheck: func(ctx context.Context, run coordinator.RunInfo) error {
			_, err := a.checkWAL(ctx, time.Duration(a.cfg.Alerting.WALMaxAge))
			return errors.Join(err, a.scheduledStreamCheck(ctx))
		},
	}
	sch := a.cfg.Schedules
	return coordinator.New(deps, coordinator.Config{
		Schedules: coordinator.Schedules{Timezone: sch.Timezone, TenantExport: sch.TenantExport, Full: sch.Full, Drill: sch.Drill,
			Retention: sch.Retention, Base: sch.Base, WALCheck: sch.WALCheck},
		Tenancy: stack.Tenancy(a.cfg),
		API:     coordinator.API{Addr: a.cfg.API.Addr, Token: token},
		Streams: jobs.StreamOptions{Replicas: a.cfg.NATS.Replicas},
		Logger:  a.log,
	})
}

// scheduledDrill restores a sample of tenants and records the outcome as a
// drill event, which the catalog and the alerter read.
func (a *app) scheduledDrill(ctx context.Context, conn *stack.Conn, store objstore.Store, run string) error {
	keys, err := stack.Keyring(ctx, a.cfg, false)
	if err != nil {
		return err
	}
	tenants, err := a.tenants(ctx)
	if err != nil {
		return err
	}
	rep, err := drill.Run(ctx, bucketSource{a: a, store: store}, drill.Config{
		AdminURL: a.cfg.Source.URL, Tenants: tenants, Sample: min(len(tenants), 5), Keys: keys, Tenancy: stack.Tenancy(a.cfg),
	})
	if err != nil {
		return err
	}
	full, err := a.drillFull(ctx, store, keys)
	if err != nil {
		return err
	}
	if full != nil {
		status := messages.StatusSucceeded
		if !full.Passed {
			status, rep.Passed = messages.StatusFailed, false
		}
		if err := jobs.NewPublisher(conn.JS).Event(ctx, messages.Event{
			Kind: messages.KindFull, BackupID: full.BackupID, Run: run, Stage: messages.StageDrill, Status: status, Error: full.Reason,
			Duration: messages.Duration(time.Duration(full.RTOSeconds * float64(time.Second))),
			Attrs:    map[string]string{"rto_seconds": fmt.Sprintf("%.3f", full.RTOSeconds), "tables": fmt.Sprint(full.Tables)},
		}); err != nil {
			return err
		}
	}
	return publishDrill(ctx, conn, run, rep)
}

var scratchName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,40}$`)

// apiRestore restores a backup into the scratch database arca_restore_<target>.
func (a *app) apiRestore(ctx context.Context, store objstore.Store, r coordinator.RestoreJob) error {
	if !scratchName.MatchString(r.Target) {
		return fmt.Errorf("restore target %q: want a short lower-case name", r.Target)
	}
	if r.Kind != "tenant" {
		return fmt.Errorf("restore %s: only tenant backups restore through the API", r.BackupID)
	}
	keys, err := stack.Keyring(ctx, a.cfg, false)
	if err != nil {
		return err
	}
	e, err := a.selectBackup(ctx, store, r.BackupID, r.Tenant, false, "")
	if err != nil {
		return err
	}
	target, err := stack.ScratchURL(ctx, a.cfg, "arca_restore_"+r.Target)
	if err != nil {
		return err
	}
	obj, err := store.Get(ctx, e.Manifest.Object.Key, objstore.Range{})
	if err != nil {
		return err
	}
	defer obj.Close()
	_, err = restore.Tenant(ctx, target, obj, e.Manifest, keys, restore.Options{Mode: restore.ModeTarget, Tenancy: stack.Tenancy(a.cfg)})
	return err
}

func (a *app) coordinatorCmds() []*cobra.Command {
	run := &cobra.Command{
		Use:   "coordinator",
		Short: "Run the coordinator: schedules, fan-out per tenant, the catalog, the HTTP API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			obs, err := stack.Observe(ctx, []string{"coordinator"}, a.log)
			if err != nil {
				return err
			}
			defer obs.Shutdown(context.WithoutCancel(ctx))
			conn, err := stack.Connect(ctx, a.cfg, "coordinator")
			if err != nil {
				return err
			}
			defer conn.Close()
			if err := obs.WatchEvents(ctx, conn.JS); err != nil {
				return err
			}
			return a.runCoordinator(ctx, conn)
		},
	}
	var limit int
	status := &cobra.Command{
		Use:   "status [RUN]",
		Short: "Recent runs from the catalog, or one run's jobs",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			cat, err := stack.Catalog(ctx, a.cfg)
			if err != nil {
				return err
			}
			defer cat.Close()
			if err := coordinator.MigrateCatalog(ctx, cat); err != nil {
				return err
			}
			conn, err := stack.Connect(ctx, a.cfg, "status")
			if err != nil {
				return err
			}
			defer conn.Close()
			c, err := coordinator.New(coordinator.Deps{JS: conn.JS, Catalog: cat}, coordinator.Config{})
			if err != nil {
				return err
			}
			if len(args) == 1 {
				r, js, err := c.RunStatus(ctx, args[0])
				if err != nil {
					return err
				}
				a.emit(map[string]any{"run": r, "jobs": js}, func(w io.Writer) {
					fmt.Fprintf(w, "run %s (%s, %s): %s\n", r.ID, r.Kind, r.Trigger, r.State)
					tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "TENANT\tBACKUP\tSTATE\tBYTES\tERROR")
					for _, j := range js {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", j.Tenant, j.BackupID, j.State, human(j.Bytes), j.Error)
					}
					tw.Flush()
				})
				return nil
			}
			runs, err := c.Runs(ctx, limit)
			if err != nil {
				return err
			}
			a.emit(runs, func(w io.Writer) {
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "RUN\tKIND\tTRIGGER\tSTATE\tSTARTED")
				for _, r := range runs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, r.Trigger, r.State, r.StartedAt.Format(time.RFC3339))
				}
				tw.Flush()
			})
			return nil
		},
	}
	status.Flags().IntVar(&limit, "limit", 20, "how many runs")
	var drop bool
	rebuild := &cobra.Command{
		Use:   "rebuild",
		Short: "Rebuild the catalog's backups from the manifests in the bucket",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cat, err := stack.Catalog(ctx, a.cfg)
			if err != nil {
				return err
			}
			defer cat.Close()
			store, err := stack.Store(ctx, a.cfg)
			if err != nil {
				return err
			}
			if drop {
				if err := coordinator.DropCatalog(ctx, cat); err != nil {
					return err
				}
			}
			n, err := coordinator.RebuildCatalog(ctx, store, stack.Layout(a.cfg), cat)
			if err != nil {
				return err
			}
			a.emit(map[string]int{"backups": n}, func(w io.Writer) { fmt.Fprintf(w, "catalog rebuilt: %d backups from the bucket\n", n) })
			return nil
		},
	}
	rebuild.Flags().BoolVar(&drop, "drop", false, "drop the catalog first")
	catalogCmd := &cobra.Command{Use: "catalog", Short: "The catalog: a cache of the truth in the bucket"}
	catalogCmd.AddCommand(rebuild)
	return []*cobra.Command{run, status, catalogCmd}
}

func (a *app) runCoordinator(ctx context.Context, conn *stack.Conn) error {
	cat, err := stack.Catalog(ctx, a.cfg)
	if err != nil {
		return err
	}
	defer cat.Close()
	store, err := stack.Store(ctx, a.cfg)
	if err != nil {
		return err
	}
	c, err := a.coordinatorFor(ctx, conn, cat, store)
	if err != nil {
		return usageError{err}
	}
	if err := c.Run(ctx); err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil {
		return err
	}
	return nil
}
