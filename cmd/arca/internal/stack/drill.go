package stack

import (
	"context"
	"errors"
	"log/slog"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/restore/drill"
)

// DrillOptions are what arca drill chooses; the zero values take the
// configuration's.
type DrillOptions struct {
	Tenants  []string // drawn from; default every tenant of the source
	Sample   int      // restored, chosen at random; 0 all
	AdminURL string   // cluster of the scratch databases; default the source
}

// Drill restores the newest backups of a sample of tenants and the newest
// full dump into scratch databases (drill.RunAll) from the bucket and the
// keyring alone, and records the drill on EVENTS where a running system
// sees it. With no NATS reachable the drill still runs: the returned
// outcome is its record.
func Drill(ctx context.Context, cfg config.Config, o DrillOptions, log *slog.Logger) (drill.Outcome, error) {
	repo, keys, err := OpenRepo(ctx, cfg)
	if err != nil {
		return drill.Outcome{}, err
	}
	if len(o.Tenants) == 0 {
		if o.Tenants, err = Tenants(ctx, cfg, "all"); err != nil {
			return drill.Outcome{}, err
		}
	}
	if o.AdminURL == "" {
		o.AdminURL = cfg.Source.URL
	}
	out, err := drill.RunAll(ctx, drill.Options{
		Config: drill.Config{AdminURL: o.AdminURL, Tenants: o.Tenants, Sample: o.Sample, Keys: keys, Tenancy: Tenancy(cfg)},
		Repo:   repo, FullAdminURL: cfg.Source.URL, PGRestore: PGBin(cfg, "pg_restore"),
	})
	if err != nil {
		return out, err
	}
	run := "manual-drill-" + out.Tenants.StartedAt.UTC().Format("20060102T150405Z")
	if err := Publish(ctx, cfg, "drill", out.Tenants.Events(run)...); err != nil && !errors.Is(err, ErrNoNATS) {
		log.Warn("drill not recorded on EVENTS", "err", err)
	}
	return out, nil
}
