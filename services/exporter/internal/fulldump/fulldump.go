package fulldump

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/arcabackup/arca/pkg/backup"
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

// Run dumps the cluster's globals (pg_dumpall --globals-only), then streams
// pg_dump --format=custom --compress=0 of the source (its replica, if set)
// to w, and returns the globals for the manifest. The globals are read just
// before the dump, not in its snapshot: a role created or dropped in
// between is in one and not the other.
func Run(ctx context.Context, cfg Config, w io.Writer) (backup.Globals, error) {
	g, err := run(ctx, cfg, w)
	if err != nil {
		return backup.Globals{}, fmt.Errorf("full dump: %w", err)
	}
	return g, nil
}

func run(ctx context.Context, cfg Config, w io.Writer) (backup.Globals, error) {
	if err := cfg.Source.Validate(); err != nil {
		return backup.Globals{}, err
	}
	release, err := cfg.Limiter.Acquire(ctx)
	if err != nil {
		return backup.Globals{}, err
	}
	defer release()
	version, err := serverVersion(ctx, cfg.Source)
	if err != nil {
		return backup.Globals{}, err
	}
	bin, err := pgdump.Find(ctx, cfg.PGBinDir, version/10000)
	if err != nil {
		return backup.Globals{}, err
	}
	g, err := dumpGlobals(ctx, cfg.Source, bin, version)
	if err != nil {
		return backup.Globals{}, err
	}
	args := []string{"--format=custom", "--compress=0"}
	if cfg.Source.LockTimeout > 0 {
		args = append(args, "--lock-wait-timeout="+strconv.FormatInt(cfg.Source.LockTimeout.Milliseconds(), 10))
	}
	return g, pgdump.Run(ctx, bin, cfg.Source.ReadURL(), args, w)
}

// serverVersion (server_version_num) connects once, which also fails fast
// on a bad address or credentials before pg_dump is started.
func serverVersion(ctx context.Context, cfg source.Config) (int, error) {
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
	return n, nil
}
