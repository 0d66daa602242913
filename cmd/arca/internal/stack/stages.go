package stack

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/tenancy"
	encryptor "github.com/arcabackup/arca/services/encryptor/service"
	exporter "github.com/arcabackup/arca/services/exporter/service"
	uploader "github.com/arcabackup/arca/services/uploader/service"
	verifier "github.com/arcabackup/arca/services/verifier/service"
)

// pipeline pairs each stage of the pipeline, as pkg/messages names it
// (subjects, events, the metrics' stage label), with the service that runs
// it, as deployed (its command, NATS user, grants and metrics' service).
var pipeline = []struct{ stage, service string }{
	{messages.StageExport, "exporter"}, {messages.StageEncrypt, "encryptor"},
	{messages.StageUpload, "uploader"}, {messages.StageVerify, "verifier"},
}

// StageServices are the services that run the pipeline's stages, in
// pipeline order: exporter, encryptor, uploader, verifier.
var StageServices = func() []string {
	out := make([]string, len(pipeline))
	for i, p := range pipeline {
		out[i] = p.service
	}
	return out
}()

// stageOf is the stage a service runs ("" for other services).
func stageOf(service string) string {
	for _, p := range pipeline {
		if p.service == service {
			return p.stage
		}
	}
	return ""
}

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
	if n := d.Cfg.Pipeline.IOSlots; n > 0 && (name == "encryptor" || name == "uploader" || name == "verifier") {
		c.Slots = n
	}
	if d.Obs != nil {
		c.Tracer = d.Obs.Tracer(name)
		if d.Obs.Metrics != nil {
			c.Observer = d.Obs.Metrics
		}
	}
	return c
}

// partBytes bounds the bytes of the parts an encryptor or uploader replica
// holds at once when pipeline.io_slots gives it more slots than
// pipeline.slots: as many parts of pipeline.part_size (and a quarter, a
// part being cut once it reaches the size) as pipeline.slots, the bound
// the slots alone set otherwise. 0 (no bound but the slots) when io_slots
// does not exceed slots.
func (d Deps) partBytes() int64 {
	p := d.Cfg.Pipeline
	if p.IOSlots <= p.Slots {
		return 0
	}
	return int64(max(p.Slots, 1)) * int64(p.PartSize) * 5 / 4
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

// Service builds the named stage service without touching the network:
// whatever can fail at start-up fails in its Run, under Supervise.
func (d Deps) Service(name string) (Service, error) {
	switch name {
	case "exporter":
		return exporter.New(exporter.Deps{JS: d.Conn.JS, Staging: d.staging(name)}, exporter.Config{
			SourceURL: d.Cfg.Source.URL, ReplicaURL: d.Cfg.Source.ReplicaURL,
			MaxConcurrentExports: d.Cfg.Source.MaxConcurrentExports, StatementTimeout: d.Cfg.Source.StatementTimeout,
			LockTimeout: d.Cfg.Source.LockTimeout, Tenancy: Tenancy(d.Cfg), Parallelism: d.Cfg.Source.Parallelism,
			PGBinDir: d.Cfg.Source.PGBinDir, PartSize: int64(d.Cfg.Pipeline.PartSize), CompressionLevel: d.Cfg.Pipeline.CompressionLevel,
			MaxPartsWaiting: d.Cfg.Pipeline.MaxPartsWaiting, BatchSize: d.Cfg.Pipeline.BatchSize, ToolVersion: d.Tool,
			Worker: d.worker(name),
		})
	case "encryptor":
		// Parts that compress below S3's minimum are sealed uncompressed on
		// every store: fsstore enforces the minimum too.
		return encryptor.New(encryptor.Deps{JS: d.Conn.JS, Staging: d.staging(name), Keys: d.keys()},
			encryptor.Config{MinPartSize: encryptor.S3MinPartSize, Worker: d.worker(name), MaxBytesInFlight: d.partBytes()})
	case "uploader":
		// Opening a store does not reach the network (s3store: no request).
		copies, err := Copies(context.Background(), d.Cfg)
		if err != nil {
			return nil, err
		}
		return uploader.New(uploader.Deps{JS: d.Conn.JS, Staging: d.staging(name), Store: d.store(name), Keys: d.keys()}, uploader.Config{
			Layout: Layout(d.Cfg), SSEKMSKeyID: d.Cfg.Store.S3.SSEKMSKeyID, ToolVersion: d.Tool, Worker: d.worker(name),
			Policies: Policies(d.Cfg), StateReplicas: d.Cfg.NATS.Replicas, Copies: copies, MaxBytesInFlight: d.partBytes(),
		})
	case "verifier":
		copies, err := Copies(context.Background(), d.Cfg)
		if err != nil {
			return nil, err
		}
		byName := map[string]objstore.Store{}
		for _, c := range copies {
			// verified.json goes into a copy under the copy's own key.
			byName[c.Name] = objstore.KMSEncrypted{Store: c.Store, KeyID: c.SSEKMSKeyID}
		}
		return verifier.New(verifier.Deps{JS: d.Conn.JS, Store: d.store(name), Keys: d.keys(), Copies: byName},
			verifier.Config{Layout: Layout(d.Cfg), Worker: d.worker(name)})
	}
	return nil, fmt.Errorf("unknown service %q", name)
}

// Policies derives the per-kind object settings from the retention policy.
func Policies(cfg config.Config) map[string]uploader.KindPolicy {
	return policiesFor(cfg.Destinations()[0])
}

// policiesFor are a destination's object settings: its retention, its
// Object Lock.
func policiesFor(d config.Destination) map[string]uploader.KindPolicy {
	p := uploader.DefaultPolicies()
	lock := d.S3.ObjectLock
	t := p["tenant"]
	t.Retain, t.LockMode = time.Duration(d.Retention.TenantExport), objstoreLock(lock)
	p["tenant"] = t
	for _, k := range []string{"full", "base"} {
		v := p[k]
		v.Retain, v.LockMode = time.Duration(d.Retention.Operational), objstoreLock(lock)
		p[k] = v
	}
	for k, class := range d.S3.StorageClasses {
		v := p[k]
		v.StorageClass = class
		p[k] = v
	}
	return p
}

// Copies opens the destinations besides the primary, each with its own
// object settings and SSE-KMS key.
func Copies(ctx context.Context, cfg config.Config) ([]uploader.Copy, error) {
	var out []uploader.Copy
	for _, d := range cfg.Destinations()[1:] {
		s, err := OpenDestination(ctx, d, nil)
		if err != nil {
			return nil, err
		}
		w := writesOf(d)
		out = append(out, uploader.Copy{Name: d.Name, Store: s, Kinds: d.Kinds, Policies: w.Policies, SSEKMSKeyID: w.SSEKMSKeyID})
	}
	return out, nil
}

// WritesTo is how the destination called name writes backups (its own
// storage classes, Object Lock and SSE-KMS key), as the uploader writes
// them there: what arca copy writes a copy with. Zero for no such
// destination.
func WritesTo(cfg config.Config, name string) backup.Writes {
	d, ok := cfg.Destination(name)
	if !ok {
		return backup.Writes{}
	}
	return writesOf(d)
}

func writesOf(d config.Destination) backup.Writes {
	return backup.Writes{Policies: policiesFor(d), SSEKMSKeyID: d.S3.SSEKMSKeyID}
}

// Named builds the named stages, each with the name its errors carry,
// ready for Supervise.
func (d Deps) Named(names ...string) ([]Named, error) {
	var all []Named
	for _, n := range names {
		s, err := d.Service(n)
		if err != nil {
			return nil, err
		}
		all = append(all, Named{Name: n, Service: s})
	}
	return all, nil
}
