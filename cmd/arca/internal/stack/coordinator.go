package stack

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/restore/drill"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
	"github.com/arcabackup/arca/pkg/wal/receive"
	"github.com/arcabackup/arca/pkg/wal/walcheck"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// CoordinatorService builds the coordinator over its catalog and the
// bucket; closeCatalog closes the catalog's pool once it has stopped. The
// catalog is connected to, and migrated, when the coordinator starts. A
// configuration it refuses is a ConfigError.
func CoordinatorService(ctx context.Context, cfg config.Config, conn *Conn, log *slog.Logger, tool string) (c *coordinator.Service, closeCatalog func(), err error) {
	cat, err := CatalogPool(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	store, err := Store(ctx, cfg)
	if err != nil {
		cat.Close()
		return nil, nil, err
	}
	if c, err = coordinatorFor(ctx, cfg, conn, cat, store, log, tool); err != nil {
		cat.Close()
		return nil, nil, ConfigError{err}
	}
	return c, cat.Close, nil
}

// coordinatorFor builds the coordinator from the configuration: its
// connections, the bucket and keyring, and the packages that carry out its
// scheduled tasks.
func coordinatorFor(ctx context.Context, cfg config.Config, conn *Conn, cat *pgxpool.Pool, store objstore.Store, log *slog.Logger, tool string) (*coordinator.Service, error) {
	src, err := pgxpool.New(ctx, cfg.Source.URL)
	if err != nil {
		return nil, err
	}
	context.AfterFunc(ctx, src.Close)
	keys := keySource{cfg}
	sch := cfg.Schedules
	// Each further destination is pruned with its own policy.
	var copies []coordinator.RetentionCopy
	// One that takes base backups holds a copy of the WAL archive too,
	// pruned with its own base backups.
	for _, d := range cfg.Destinations()[1:] {
		s, err := OpenDestination(ctx, d, nil)
		if err != nil {
			return nil, err
		}
		c := coordinator.RetentionCopy{Name: d.Name, Store: s, Policy: PolicyFor(*d.Retention)}
		if d.Takes("base") {
			c.WAL = basebackup.Scheduled{Keys: keys, Config: basebackup.Config{Store: s, Layout: Layout(cfg)}}
		}
		copies = append(copies, c)
	}
	// Scheduled base backups are copied on as the CLI's are.
	baseStore, err := Mirrored(ctx, cfg, store, func(key, d string, err error) {
		log.Warn("base backup copy failed (arca copy --archive completes it)", "key", key, "destination", d, "err", err)
	})
	if err != nil {
		return nil, err
	}
	archiveCopies, err := ArchiveCopies(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return coordinator.New(coordinator.Deps{
		JS: conn.JS, Catalog: cat, Source: src, Store: store, Keys: keys,
		Tasks: coordinatorTasks(cfg, conn, store, baseStore, archiveCopies, keys, log, tool),
	}, coordinator.Config{
		Schedules: coordinator.Schedules{Timezone: sch.Timezone, TenantExport: sch.TenantExport, Full: sch.Full, Drill: sch.Drill,
			Retention: sch.Retention, Base: sch.Base, WALCheck: sch.WALCheck},
		Tenancy: Tenancy(cfg),
		// The console: the API token signs in as an operator, the viewer
		// token as a viewer; traces link to Jaeger when its URL is set.
		API: coordinator.API{Addr: cfg.API.Addr, Token: os.Getenv(cfg.API.TokenEnv),
			ViewerToken: os.Getenv("ARCA_CONSOLE_VIEWER_TOKEN"), JaegerURL: os.Getenv("ARCA_JAEGER_URL"), OIDC: consoleOIDC()},
		Streams:   jobs.StreamOptions{Replicas: cfg.NATS.Replicas},
		SourceURL: cfg.Source.URL, Layout: Layout(cfg), Retention: Policy(cfg), Copies: copies,
		Logger: log,
	})
}

// keySource opens the configured keyring at each use.
type keySource struct{ cfg config.Config }

func (k keySource) Keyring(ctx context.Context) (*keyring.Keyring, error) {
	return Keyring(ctx, k.cfg, false)
}

// coordinatorTasks wires the packages that carry out the coordinator's
// scheduled drills, base backups, WAL checks and WAL pruning.
func coordinatorTasks(cfg config.Config, conn *Conn, store, baseStore objstore.Store, archiveCopies destinations.Set, keys keySource,
	log *slog.Logger, tool string) coordinator.Tasks {
	pub := jobs.NewPublisher(conn.JS)
	layout := Layout(cfg)
	bases := basebackup.Scheduled{Keys: keys, Config: basebackup.Config{Store: baseStore, Layout: layout,
		PGBaseBackup: PGBin(cfg, "pg_basebackup"), ConnString: cfg.Source.URL, ToolVersion: tool}}
	al := cfg.Alerting
	return coordinator.Tasks{
		Drills: drill.Scheduled{Store: store, Layout: layout, Keys: keys, SourceURL: cfg.Source.URL,
			Tenancy: Tenancy(cfg), PGRestore: PGBin(cfg, "pg_restore"), Events: pub},
		Bases: bases,
		WALChecks: walcheck.Scheduled{Store: store, Layout: layout, Keys: keys, MaxAge: time.Duration(al.WALMaxAge),
			PrimaryURL: cfg.Source.URL, Slot: al.WALSlot,
			Thresholds: receive.Thresholds{MaxRetained: int64(al.WALSlotMaxRetained), MaxLag: time.Duration(al.WALStreamMaxLag)},
			Copies:     archiveCopies, // each further destination's copy of the archive, compared with the primary's
			Record: func(ctx context.Context, e messages.Event) {
				if err := pub.Event(ctx, e); err != nil {
					log.Warn("check not recorded", "stage", e.Stage, "err", err)
				}
			}},
		WALPruner: bases,
	}
}

// PGBin is a PostgreSQL tool from source.pg_bin_dir, else its bare name
// (looked up on the PATH when it runs).
func PGBin(cfg config.Config, name string) string {
	if cfg.Source.PGBinDir != "" {
		return filepath.Join(cfg.Source.PGBinDir, name)
	}
	return name
}

// PGTool is PGBin found now: on the PATH when source.pg_bin_dir is not set.
func PGTool(cfg config.Config, name string) (string, error) {
	if bin := PGBin(cfg, name); bin != name {
		return bin, nil
	}
	return exec.LookPath(name)
}

// Policy maps the configuration onto the retention policy: tenant exports
// kept tenant_export days, full and base backups operational days, and one
// full a week for the health-data period.
func Policy(c config.Config) retention.Policy { return PolicyFor(c.Retention) }

// PolicyFor is the retention policy of one destination's retention.
func PolicyFor(r config.Retention) retention.Policy {
	days := func(d config.Duration) int { return int(time.Duration(d) / (24 * time.Hour)) }
	p := retention.DefaultPolicy()
	p.Kinds["tenant"] = retention.KindPolicy{KeepDays: days(r.TenantExport)}
	p.Kinds["full"] = retention.KindPolicy{KeepDays: days(r.Operational), Weekly: retention.Slots{WithinDays: days(r.Health)}}
	p.Kinds["base"] = retention.KindPolicy{KeepDays: days(r.Operational)}
	for _, h := range r.Holds {
		p.Holds = append(p.Holds, retention.Hold{Tenant: h.Tenant, Kind: h.Kind, Reason: h.Reason})
	}
	return p
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
