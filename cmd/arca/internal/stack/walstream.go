package stack

import (
	"context"
	"fmt"
	"log/slog"
	"time"

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

// StreamCheck is what wal-check --slot checks on the primary: wal-receive's
// replication slot, the connection to the primary ("" the source), and the
// thresholds, the WAL the slot may hold written as a size ("4GiB").
type StreamCheck struct {
	Slot, Conn, MaxRetained string
	MaxLag                  time.Duration
}

// CheckStream checks the slot on the primary against s's thresholds, and
// records the check where a running system sees it (walcheck.Stream). A
// MaxRetained that is not a size is a ConfigError.
func CheckStream(ctx context.Context, cfg config.Config, s StreamCheck, log *slog.Logger) (receive.Health, error) {
	n, err := config.ParseByteSize(s.MaxRetained)
	if err != nil {
		return receive.Health{}, ConfigError{fmt.Errorf("--max-slot-retained: %w", err)}
	}
	conn := s.Conn
	if conn == "" {
		conn = cfg.Source.URL
	}
	t := receive.Thresholds{MaxRetained: int64(n), MaxLag: s.MaxLag}
	return walcheck.Stream(ctx, conn, s.Slot, t, RecordCheck(cfg, log))
}
