package stack

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/embednats"
	"github.com/arcabackup/arca/pkg/messages"
)

// DevSet is everything arca dev runs: every stage, the coordinator, and
// the alerter when it can page.
func DevSet(paging bool) Set {
	return Set{Stages: StageServices, Coordinator: true, Alerter: paging, CreateKeys: true}
}

// Dev is arca dev: it prepares the keyring and the bucket and starts the
// embedded NATS (StartDev), says so on out (DevBanner), then runs DevSet
// (Run) until ctx ends, under arca dev's soft memory limit. The alerter
// runs when the environment getenv reads can page (Paging).
func Dev(ctx context.Context, cfg config.Config, getenv func(string) string, out io.Writer, log *slog.Logger, tool string) error {
	SoftMemoryLimit(DevMemoryLimit)
	srv, err := StartDev(ctx, cfg)
	if err != nil {
		return err
	}
	defer srv.Stop()
	paging := Paging(cfg, getenv)
	fmt.Fprint(out, DevBanner(cfg, srv.URL(), paging))
	return Run(ctx, cfg, DevSet(paging), log, tool)
}

// StartDev prepares arca dev and starts its embedded NATS: it fails before
// claiming to be ready when the keyring (created on first use) or the
// bucket does not open.
func StartDev(ctx context.Context, cfg config.Config) (*embednats.Server, error) {
	if _, err := Keyring(ctx, cfg, true); err != nil {
		return nil, err
	}
	if _, err := Store(ctx, cfg); err != nil {
		return nil, err
	}
	return Embedded(cfg)
}

// Paging reports whether arca dev's alerter can page PagerDuty: its
// routing key is set in the environment getenv reads.
func Paging(cfg config.Config, getenv func(string) string) bool {
	return getenv(cfg.Alerting.PagerDuty.RoutingKeyEnv) != ""
}

// DevBanner is what arca dev says once it is ready: where NATS, the
// bucket and the source are, and whether the alerter pages.
func DevBanner(cfg config.Config, natsURL string, paging bool) string {
	where := cfg.Store.FS.Dir
	if cfg.Store.Kind == "s3" {
		where = "s3://" + cfg.Store.S3.Bucket
	}
	alerter := "arca dev: alerter on, paging PagerDuty"
	if !paging {
		alerter = fmt.Sprintf("arca dev: alerter off (set %s to page PagerDuty)", cfg.Alerting.PagerDuty.RoutingKeyEnv)
	}
	return fmt.Sprintf("arca dev: NATS %s, bucket %s, source %s\n%s\narca dev: ready (Ctrl-C to stop)\n",
		natsURL, where, messages.RedactURL(cfg.Source.URL), alerter)
}
