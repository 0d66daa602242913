package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore/drill"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// coordinatorFor builds the coordinator from the configuration: its
// connections, the bucket and keyring, and the tasks (drills, base backups,
// WAL checks) that still live beside the command line.
func (a *app) coordinatorFor(ctx context.Context, conn *stack.Conn, cat *pgxpool.Pool, store objstore.Store) (*coordinator.Service, error) {
	src, err := pgxpool.New(ctx, a.cfg.Source.URL)
	if err != nil {
		return nil, err
	}
	context.AfterFunc(ctx, src.Close)
	token := os.Getenv(a.cfg.API.TokenEnv)
	keys := keySource{a.cfg}
	sch := a.cfg.Schedules
	return coordinator.New(coordinator.Deps{
		JS: conn.JS, Catalog: cat, Source: src, Store: store, Keys: keys,
		Tasks: coordinatorTasks{a: a, conn: conn, store: store, keys: keys},
	}, coordinator.Config{
		Schedules: coordinator.Schedules{Timezone: sch.Timezone, TenantExport: sch.TenantExport, Full: sch.Full, Drill: sch.Drill,
			Retention: sch.Retention, Base: sch.Base, WALCheck: sch.WALCheck},
		Tenancy: stack.Tenancy(a.cfg),
		// The console: the API token signs in as an operator, the viewer
		// token as a viewer; traces link to Jaeger when its URL is set.
		API: coordinator.API{Addr: a.cfg.API.Addr, Token: token,
			ViewerToken: os.Getenv("ARCA_CONSOLE_VIEWER_TOKEN"), JaegerURL: os.Getenv("ARCA_JAEGER_URL"), OIDC: consoleOIDC()},
		Streams:   jobs.StreamOptions{Replicas: a.cfg.NATS.Replicas},
		SourceURL: a.cfg.Source.URL, Layout: stack.Layout(a.cfg), Retention: policy(a.cfg),
		Logger: a.log,
	})
}

// keySource opens the configured keyring at each use.
type keySource struct{ cfg config.Config }

func (k keySource) Keyring(ctx context.Context) (*keyring.Keyring, error) {
	return stack.Keyring(ctx, k.cfg, false)
}

// coordinatorTasks are the coordinator's Tasks as this binary implements
// them today (they move into pkg/restore/drill and pkg/wal).
type coordinatorTasks struct {
	a     *app
	conn  *stack.Conn
	store objstore.Store
	keys  keySource
}

func (t coordinatorTasks) Drill(ctx context.Context, run string) error {
	return t.a.scheduledDrill(ctx, t.conn, t.store, run)
}

func (t coordinatorTasks) BaseBackup(ctx context.Context, label string) error {
	_, err := t.a.takeBase(ctx, baseOptions{label: label, fast: false})
	return err
}

func (t coordinatorTasks) CheckWAL(ctx context.Context) error {
	_, err := t.a.checkWAL(ctx, time.Duration(t.a.cfg.Alerting.WALMaxAge))
	return errors.Join(err, t.a.scheduledStreamCheck(ctx))
}

func (t coordinatorTasks) PruneWAL(ctx context.Context, kept []retention.Backup, dryRun bool) (prune.WALReport, error) {
	keys, err := t.keys.Keyring(ctx)
	if err != nil {
		return prune.WALReport{}, err
	}
	return walPruner{cfg: wal.Config{Store: t.store, Layout: stack.Layout(t.a.cfg), Keys: keys}}.PruneWAL(ctx, kept, dryRun)
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

func (a *app) coordinatorCmds() []*cobra.Command {
	run := &cobra.Command{
		Use:   "coordinator",
		Short: "Run the coordinator: schedules, fan-out per tenant, the catalog, the HTTP API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runServices(cmd.Context(), serviceSet{coordinator: true})
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

// coordinatorService builds the coordinator over its catalog and the
// bucket; closeCatalog closes the catalog's pool once it has stopped. The
// catalog is connected to, and migrated, when the coordinator starts.
func (a *app) coordinatorService(ctx context.Context, conn *stack.Conn) (c *coordinator.Service, closeCatalog func(), err error) {
	cat, err := stack.CatalogPool(ctx, a.cfg)
	if err != nil {
		return nil, nil, err
	}
	store, err := stack.Store(ctx, a.cfg)
	if err != nil {
		cat.Close()
		return nil, nil, err
	}
	if c, err = a.coordinatorFor(ctx, conn, cat, store); err != nil {
		cat.Close()
		return nil, nil, usageError{err}
	}
	return c, cat.Close, nil
}
