package stack

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/tenancy"
	encryptor "github.com/arcabackup/arca/services/encryptor/stage"
	exporter "github.com/arcabackup/arca/services/exporter/stage"
	uploader "github.com/arcabackup/arca/services/uploader/stage"
	verifier "github.com/arcabackup/arca/services/verifier/stage"
)

// Stages lists the pipeline's stage services.
var Stages = []string{"exporter", "encryptor", "uploader", "verifier"}

// Deps is what the stages are built from.
type Deps struct {
	Cfg   config.Config
	Conn  *Conn
	Store objstore.Store
	Keys  *keyring.Keyring
	// Live, when set, is the keyring the encryptor and verifier use instead
	// of Keys: it follows the keyring epoch (LiveKeyring).
	Live   *keyring.Live
	Logger *slog.Logger
	Tool   string
	// Obs gives each stage its tracer and records metrics; nil: none.
	Obs *Observability
}

// Tenancy maps the configuration onto pkg/tenancy.
func Tenancy(cfg config.Config) tenancy.Config {
	return tenancy.Config{
		TenantsQuery: cfg.Tenancy.TenantsQuery, TenantColumns: cfg.Tenancy.TenantColumns,
		SharedSchemas: cfg.Tenancy.SharedSchemas, Exclude: cfg.Tenancy.Exclude,
		TenantTable: tenancy.TenantTable{Table: cfg.Tenancy.TenantTable.Table, Key: cfg.Tenancy.TenantTable.Key,
			SchemaColumn: cfg.Tenancy.TenantTable.SchemaColumn},
		Ownership: ownership(cfg.Tenancy.Ownership),
	}.WithDefaults()
}

func ownership(m map[string]string) map[string]tenancy.Edge {
	out := make(map[string]tenancy.Edge, len(m))
	for k, v := range m {
		out[k] = tenancy.Edge(v)
	}
	return out
}

func (d Deps) worker(name string) jobs.Config {
	c := jobs.Config{Slots: d.Cfg.Pipeline.Slots, Logger: d.Logger, AckWait: 2 * time.Minute}
	if d.Obs != nil {
		c.Tracer = d.Obs.Tracer(name)
		if d.Obs.Metrics != nil {
			c.Observer = d.Obs.Metrics
		}
	}
	return c
}

// stageKeys is what the encryptor and verifier need of a keyring.
type stageKeys interface {
	encryptor.Keys
	seal.KeyLookup
}

// keys is the live keyring when there is one, else the static one.
func (d Deps) keys() stageKeys {
	if d.Live != nil {
		return d.Live
	}
	return d.Keys
}

// Runner builds the named stage.
func (d Deps) Runner(ctx context.Context, name string) (func(context.Context) error, error) {
	switch name {
	case "exporter":
		s, err := exporter.New(d.Conn.JS, d.staging(name), exporter.Config{
			SourceURL: d.Cfg.Source.URL, ReplicaURL: d.Cfg.Source.ReplicaURL,
			MaxConcurrentExports: d.Cfg.Source.MaxConcurrentExports, StatementTimeout: d.Cfg.Source.StatementTimeout,
			LockTimeout: d.Cfg.Source.LockTimeout, Tenancy: Tenancy(d.Cfg), Parallelism: d.Cfg.Source.Parallelism,
			PGBinDir: d.Cfg.Source.PGBinDir, PartSize: int64(d.Cfg.Pipeline.PartSize), CompressionLevel: d.Cfg.Pipeline.CompressionLevel,
			MaxPartsWaiting: d.Cfg.Pipeline.MaxPartsWaiting, ToolVersion: d.Tool, Worker: d.worker(name),
		})
		if err != nil {
			return nil, err
		}
		return s.Run, nil
	case "encryptor":
		// Parts that compress below S3's minimum are sealed uncompressed on
		// every store: fsstore enforces the minimum too.
		s, err := encryptor.New(d.Conn.JS, d.staging(name), d.keys(), encryptor.Config{MinPartSize: encryptor.S3MinPartSize, Worker: d.worker(name)})
		if err != nil {
			return nil, err
		}
		return s.Run, nil
	case "uploader":
		s, err := uploader.New(ctx, d.Conn.JS, d.staging(name), d.store(name), uploader.Config{
			Layout: Layout(d.Cfg), Keys: d.keys(), SSEKMSKeyID: d.Cfg.Store.S3.SSEKMSKeyID, ToolVersion: d.Tool, Worker: d.worker(name),
			Policies: Policies(d.Cfg), StateReplicas: d.Cfg.NATS.Replicas,
		})
		if err != nil {
			return nil, err
		}
		return s.Run, nil
	case "verifier":
		return verifier.New(d.Conn.JS, d.store(name), d.keys(), Layout(d.Cfg), d.worker(name)).Run, nil
	}
	return nil, fmt.Errorf("unknown service %q", name)
}

// Policies derives the per-kind object settings from the retention policy.
func Policies(cfg config.Config) map[string]uploader.KindPolicy {
	p := uploader.DefaultPolicies()
	lock := cfg.Store.S3.ObjectLock
	t := p["tenant"]
	t.Retain, t.LockMode = time.Duration(cfg.Retention.TenantExport), objstoreLock(lock)
	p["tenant"] = t
	for _, k := range []string{"full", "base"} {
		v := p[k]
		v.Retain, v.LockMode = time.Duration(cfg.Retention.Operational), objstoreLock(lock)
		p[k] = v
	}
	return p
}

// Run runs the named stages until ctx ends or one fails.
func (d Deps) Run(ctx context.Context, names ...string) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, n := range names {
		run, err := d.Runner(ctx, n)
		if err != nil {
			return err
		}
		g.Go(func() error {
			if err := run(ctx); err != nil {
				return fmt.Errorf("%s: %w", n, err)
			}
			return nil
		})
	}
	return g.Wait()
}
