package fulldump

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/arcabackup/arca/services/exporter/internal/pgdump"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

// Config is what a full dump needs.
type Config struct {
	Source source.Config
	// Limiter caps concurrent exports per source (nil: no cap).
	Limiter *source.Limiter
	// PGBinDir is where pg_dump lives; empty: search by server version.
	PGBinDir string
}

// Run streams pg_dump --format=custom of the source (its replica, if set)
// to w.
func Run(ctx context.Context, cfg Config, w io.Writer) error {
	if err := run(ctx, cfg, w); err != nil {
		return fmt.Errorf("full dump: %w", err)
	}
	return nil
}

func run(ctx context.Context, cfg Config, w io.Writer) error {
	if err := cfg.Source.Validate(); err != nil {
		return err
	}
	release, err := cfg.Limiter.Acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	major, err := serverMajor(ctx, cfg.Source)
	if err != nil {
		return err
	}
	bin, err := pgdump.Find(ctx, cfg.PGBinDir, major)
	if err != nil {
		return err
	}
	args := []string{"--format=custom", "--compress=0"}
	if cfg.Source.LockTimeout > 0 {
		args = append(args, "--lock-wait-timeout="+strconv.FormatInt(cfg.Source.LockTimeout.Milliseconds(), 10))
	}
	return pgdump.Run(ctx, bin, cfg.Source.ReadURL(), args, w)
}

// serverMajor connects once, which also fails fast on a bad address or
// credentials before pg_dump is started.
func serverMajor(ctx context.Context, cfg source.Config) (int, error) {
	conn, err := source.Connect(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var v string
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')").Scan(&v); err != nil {
		return 0, fmt.Errorf("server version: %w", err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("server version %q: %w", v, err)
	}
	return n / 10000, nil
}
