package stack

import (
	"context"
	"log/slog"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/wal/receive"
	"github.com/arcabackup/arca/pkg/wal/walcheck"
)

// RunWALReceive streams WAL from the primary into the bucket (wal-receive)
// until ctx ends. o.ConnString defaults to the source; o's WAL archive and
// log are the configuration's. A choice receive refuses is a ConfigError.
func RunWALReceive(ctx context.Context, cfg config.Config, o receive.Config, log *slog.Logger) error {
	w, err := WALConfig(ctx, cfg, 0, "")
	if err != nil {
		return err
	}
	if o.ConnString == "" {
		o.ConnString = cfg.Source.URL
	}
	o.WAL, o.Log = w, log
	r, err := receive.New(o)
	if err != nil {
		return ConfigError{err}
	}
	return r.Run(ctx)
}

// CheckStream checks wal-receive's replication slot on the primary (conn,
// default the source) against t, and records the check where a running
// system sees it (walcheck.Stream).
func CheckStream(ctx context.Context, cfg config.Config, conn, slot string, t receive.Thresholds, log *slog.Logger) (receive.Health, error) {
	if conn == "" {
		conn = cfg.Source.URL
	}
	return walcheck.Stream(ctx, conn, slot, t, RecordCheck(cfg, log))
}
