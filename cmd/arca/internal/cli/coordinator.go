package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
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
			keys, err := stack.Keyring(ctx, a.cfg, false)
			if err != nil {
				return err
			}
			// Each destination with its own policy.
			runs, err := a.pruneDestinations(ctx, keys, false, "")
			for _, r := range runs {
				rep := r.Report
				a.log.Info("retention run", "run", run.ID, "destination", r.Destination, "deleted", rep.Deleted, "locked", rep.Locked, "freed", rep.BytesFreed, "problems", len(rep.Problems))
				for _, pr := range rep.Problems {
					a.log.Warn("retention skipped", "destination", r.Destination, "key", pr.Key, "err", pr.Error)
				}
			}
			return err
		},
		OnDrill: func(ctx context.Context, run coordinator.RunInfo) error {
			return a.scheduledDrill(ctx, conn, store, run.ID)
		},
		Restore: func(ctx context.Context, r coordinator.RestoreJob) error {
			return a.apiRestore(ctx, store, r)
		},
		PlanRestore: func(ctx context.Context, r coordinator.RestoreJob) (coordinator.RestorePlan, error) {
			return a.planRestore(ctx, store, r)
		},
		RetentionPlan: func(ctx context.Context) ([]coordinator.RetentionDecision, error) {
			return a.retentionPlan(ctx, store)
		},
		Keys: a.keyVersions,
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
		// The console: the API token signs in as an operator, the viewer
		// token as a viewer; traces link to Jaeger when its URL is set.
		API: coordinator.API{Addr: a.cfg.API.Addr, Token: token,
			ViewerToken: os.Getenv("ARCA_CONSOLE_VIEWER_TOKEN"), JaegerURL: os.Getenv("ARCA_JAEGER_URL"), OIDC: consoleOIDC()},
		Streams: jobs.StreamOptions{Replicas: a.cfg.NATS.Replicas},
		Logger:  a.log,
	})
}

// consoleOIDC reads the console's OpenID Connect sign-in from the
// environment (ARCA_OIDC_ISSUER unset: tokens only). Groups are
// comma-separated claim values.
func consoleOIDC() coordinator.ConsoleOIDC {
	list := func(env string) []string {
		var out []string
		for _, s := range strings.Split(os.Getenv(env), ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return coordinator.ConsoleOIDC{Issuer: os.Getenv("ARCA_OIDC_ISSUER"), ClientID: os.Getenv("ARCA_OIDC_CLIENT_ID"),
		ClientSecret: os.Getenv("ARCA_OIDC_CLIENT_SECRET"), RedirectURL: os.Getenv("ARCA_OIDC_REDIRECT_URL"),
		RoleClaim: os.Getenv("ARCA_OIDC_ROLE_CLAIM"), Operators: list("ARCA_OIDC_OPERATORS"), Viewers: list("ARCA_OIDC_VIEWERS")}
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
	rep, err := drill.Run(ctx, bucketSource{a: a, store: store, keys: keys}, drill.Config{
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

var scratchName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,52}$`)

// apiRestore restores a backup as the request's mode says: into the
// scratch database the target names in full, arca_restore_<name> (the
// API's and the console's), side by side into the
// schema <target> of the source database, or replacing the tenant there
// (the console's, after a typed confirmation).
func (a *app) apiRestore(ctx context.Context, store objstore.Store, r coordinator.RestoreJob) error {
	if r.Kind != "tenant" {
		return fmt.Errorf("restore %s: only tenant backups restore through the API", r.BackupID)
	}
	opts := restore.Options{Tenancy: stack.Tenancy(a.cfg)}
	db := a.cfg.Source.URL
	switch r.Mode {
	case coordinator.RestoreTarget, "":
		// The coordinator checked the name before accepting the restore;
		// it is used as named, never renamed.
		if !strings.HasPrefix(r.Target, coordinator.ScratchPrefix) || !scratchName.MatchString(r.Target) {
			return fmt.Errorf("restore target %q: want a scratch database %s<name>", r.Target, coordinator.ScratchPrefix)
		}
		opts.Mode = restore.ModeTarget
	case coordinator.RestoreIntoSchema:
		if !scratchName.MatchString(r.Target) {
			return fmt.Errorf("restore schema %q: want a short lower-case name", r.Target)
		}
		opts.Mode, opts.Schema = restore.ModeIntoSchema, r.Target
	case coordinator.RestoreReplace:
		opts.Mode = restore.ModeReplace
	default:
		return fmt.Errorf("restore %s: unknown mode %q", r.BackupID, r.Mode)
	}
	keys, err := stack.Keyring(ctx, a.cfg, false)
	if err != nil {
		return err
	}
	e, err := a.selectBackup(ctx, a.repo(store, keys), r.BackupID, r.Tenant, false, "")
	if err != nil {
		return err
	}
	if opts.Mode == restore.ModeTarget {
		if db, err = stack.ScratchURL(ctx, a.cfg, r.Target); err != nil {
			return err
		}
	}
	obj, err := store.Get(ctx, e.Manifest.Object.Key, objstore.Range{})
	if err != nil {
		return err
	}
	defer obj.Close()
	res, err := restore.Tenant(ctx, db, obj, e.Manifest, keys, opts)
	if err != nil {
		return err
	}
	var rows int64
	for _, t := range res.Tables {
		rows += t.Rows
	}
	r.Report(fmt.Sprintf("restored tenant %s from backup %s (%s): %d tables, %d rows, %d deleted first, in %s",
		res.Tenant, res.BackupID, res.Mode, len(res.Tables), rows, res.Deleted, res.Duration.Round(time.Millisecond)))
	return nil
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
					if r.Error != "" {
						fmt.Fprintf(w, "error: %s\n", r.Error)
					}
					tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "TENANT\tBACKUP\tSTATE\tBYTES\tERROR")
					for _, j := range js {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", j.Tenant, j.BackupID, j.State, human(j.Bytes), firstLine(j.Error))
					}
					tw.Flush()
					for _, j := range js {
						if j.Error != "" {
							fmt.Fprintf(w, "%s %s: %s\n", scope(j.Tenant), j.BackupID, j.Error)
						}
					}
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
			store, keys, err := a.openBucket(ctx)
			if err != nil {
				return err
			}
			if drop {
				if err := coordinator.DropCatalog(ctx, cat); err != nil {
					return err
				}
			}
			got, err := coordinator.RebuildCatalog(ctx, a.repo(store, keys), cat)
			if err != nil {
				return err
			}
			n := got.Backups
			a.emit(map[string]int{"backups": n, "refused": len(got.Refused)}, func(w io.Writer) {
				fmt.Fprintf(w, "catalog rebuilt: %d backups from the bucket\n", n)
			})
			for _, err := range got.Refused {
				fmt.Fprintln(a.errOut, "arca: skipped:", OneLine(err))
			}
			if len(got.Refused) > 0 {
				return exitError{code: 3, err: fmt.Errorf("%d manifests or verifications refused (listed above)", len(got.Refused))}
			}
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
