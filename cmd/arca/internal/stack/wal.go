package stack

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/agent"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
	"github.com/arcabackup/arca/pkg/wal/walcheck"
)

// WALConfig is the WAL archive of the configuration: the bucket for
// writing, the layout, and the keyring loaded at its first use (wal-fetch
// of a missing file never loads it).
func WALConfig(ctx context.Context, cfg config.Config, prefetch int, spool string) (wal.Config, error) {
	store, err := WriterStore(ctx, cfg)
	if err != nil {
		return wal.Config{}, err
	}
	keys := wal.LazyKeys(func() (wal.Keys, error) { return Keyring(ctx, cfg, false) })
	return wal.Config{Store: store, Layout: Layout(cfg), Keys: keys, Prefetch: prefetch, SpoolDir: spool}, nil
}

// BaseOptions are the command line's choices for one base backup; empty
// fields take the configuration's.
type BaseOptions struct {
	Conn, PGBaseBackup, Label, StorageClass string
	FastCheckpoint                          bool
}

// TakeBase takes a base backup of the source as the configuration says.
func TakeBase(ctx context.Context, cfg config.Config, o BaseOptions, tool string) (basebackup.Backup, error) {
	keys, err := Keyring(ctx, cfg, false)
	if err != nil {
		return basebackup.Backup{}, err
	}
	store, err := WriterStore(ctx, cfg)
	if err != nil {
		return basebackup.Backup{}, err
	}
	if o.PGBaseBackup == "" && cfg.Source.PGBinDir != "" {
		o.PGBaseBackup = PGBin(cfg, "pg_basebackup")
	}
	if o.Conn == "" {
		o.Conn = cfg.Source.URL
	}
	return basebackup.Take(ctx, basebackup.Config{
		Store: store, Layout: Layout(cfg), Keys: keys, PGBaseBackup: o.PGBaseBackup, ConnString: o.Conn,
		Label: o.Label, FastCheckpoint: o.FastCheckpoint, StorageClass: o.StorageClass, ToolVersion: tool,
	})
}

// RecordCheck publishes a check's event when NATS answers: a check run with
// no system running still reports on the terminal (walcheck's record).
func RecordCheck(cfg config.Config, log *slog.Logger) func(context.Context, messages.Event) {
	return func(ctx context.Context, e messages.Event) {
		conn, err := Connect(ctx, cfg, "wal-check")
		if err != nil {
			return
		}
		defer conn.Close()
		if err := jobs.NewPublisher(conn.JS).Event(ctx, e); err != nil {
			log.Warn("check not recorded", "stage", e.Stage, "err", err)
		}
	}
}

// AgentKeyring is the wal-agent's live keyring: following the keyring
// epoch when follow is set and NATS answers, else loaded now and again on
// each SIGHUP. stop releases it.
func AgentKeyring(ctx context.Context, cfg config.Config, follow bool, log *slog.Logger) (live *keyring.Live, stop func(), err error) {
	src, err := KeyringSource(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	if follow {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		conn, err := Connect(cctx, cfg, "wal-agent")
		cancel()
		if err == nil {
			live, stop, err := LiveKeyring(ctx, src.Store, conn.JS, cfg.NATS.Replicas, []string{"wal-agent"}, log, src.Opts...)
			if err != nil {
				conn.Close()
				return nil, nil, err
			}
			log.Info("wal-agent follows the keyring epoch")
			unhup := onHUP(func() {
				log.Warn("wal-agent follows the keyring epoch: it reloads when a change is announced, SIGHUP does nothing")
			})
			return live, func() { unhup(); stop(); conn.Close() }, nil
		}
		log.Warn("wal-agent: NATS unreachable, not following the keyring epoch; send SIGHUP after a key change", "err", err)
	}
	live = keyring.NewLive(src.Load)
	if err := live.Advance(ctx, keyring.Epoch{}); err != nil {
		return nil, nil, err
	}
	unhup := onHUP(func() {
		if err := live.Advance(ctx, keyring.Epoch{}); err != nil {
			log.Error("wal-agent: keyring reload failed; keeping the keys loaded before", "err", err)
		} else {
			log.Warn("wal-agent: keyring reloaded", "fingerprint", live.Held().Fingerprint)
		}
	})
	return live, unhup, nil
}

// onHUP calls f on every SIGHUP until the returned stop is called (a
// SIGHUP would otherwise end the process: systemctl reload must not).
func onHUP(f func()) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-hup:
				f()
			}
		}
	}()
	return func() { signal.Stop(hup); close(done) }
}

// RunWALAgent runs the wal-agent of o (its socket directory, "":
// agent.DirEnv's, parallelism, look-ahead) over the configuration's
// archive with AgentKeyring, until ctx ends. No directory, or options the
// agent refuses, are a ConfigError.
func RunWALAgent(ctx context.Context, cfg config.Config, o agent.Config, follow bool, getenv func(string) string) error {
	if o.Dir == "" {
		o.Dir = getenv(agent.DirEnv)
	}
	if o.Dir == "" {
		return ConfigError{errors.New("--dir DIR (or " + agent.DirEnv + ") is required")}
	}
	keys, stop, err := AgentKeyring(ctx, cfg, follow, o.Log)
	if err != nil {
		return err
	}
	defer stop()
	store, err := WriterStore(ctx, cfg)
	if err != nil {
		return err
	}
	o.WAL = wal.Config{Store: store, Layout: Layout(cfg), Keys: keys}
	ag, err := agent.New(o)
	if err != nil {
		return ConfigError{err}
	}
	return ag.Run(ctx)
}

// CheckArchiveCopies compares each further destination's copy of the base
// backups and WAL archive with the primary's, as the coordinator's
// scheduled WAL check does (walcheck.CopyArchives, default grace), and
// records each outcome with record. No such destination: nothing.
func CheckArchiveCopies(ctx context.Context, cfg config.Config, record walcheck.Record) ([]walcheck.CopyResult, error) {
	copies, err := ArchiveCopies(ctx, cfg)
	if err != nil || len(copies) == 0 {
		return nil, err
	}
	primary, err := Store(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return walcheck.CopyArchives(ctx, primary, Layout(cfg), copies, 0, time.Now(), record)
}
