package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/zframe"
	"github.com/arcabackup/arca/services/exporter/internal/compress"
	"github.com/arcabackup/arca/services/exporter/internal/export"
	"github.com/arcabackup/arca/services/exporter/internal/fulldump"
	"github.com/arcabackup/arca/services/exporter/internal/pgdump"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

// Service is a running exporter.
type Service struct {
	js      jobs.JetStream
	staging *staging.Store
	cfg     Config
	limiter *source.Limiter
	level   zstd.EncoderLevel
	batch   *batcher
	// cache keeps the shared schemas' DDL and the column-model plan
	// between this replica's exports while the catalog is unchanged.
	cache *export.Cache
	// sessions keeps the sessions of finished exports for the next ones.
	sessions *source.Sessions
}

// Deps are the exporter's connections: JetStream (JOBS, EVENTS) and the
// plaintext staging bucket it writes parts to.
type Deps struct {
	JS      jobs.JetStream
	Staging *staging.Store
}

// New validates the configuration and builds the service without touching
// the network. ExportTo needs no Deps; Run needs both.
func New(d Deps, cfg Config) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	cfg.Tenancy = cfg.Tenancy.WithDefaults()
	level, err := zframe.Level(cfg.CompressionLevel)
	if err != nil {
		return nil, err
	}
	s := &Service{js: d.JS, staging: d.Staging, cfg: cfg, limiter: source.NewLimiter(cfg.MaxConcurrentExports), level: level, cache: export.NewCache(),
		sessions: source.NewSessions(cfg.MaxConcurrentExports*(1+cfg.Parallelism), 30*time.Second)}
	s.batch = newBatcher(s)
	return s, nil
}

// Run consumes export jobs until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	if s.js == nil || s.staging == nil {
		return errors.New("exporter: JetStream and staging are required")
	}
	defer s.sessions.Close()
	w := jobs.NewWorker(s.js, jobs.Stage{Name: messages.StageExport, Subject: messages.SubjectExport}, s.handle, s.cfg.Worker)
	return w.Run(ctx)
}

func (s *Service) source() source.Config {
	return source.Config{
		URL: s.cfg.SourceURL, ReplicaURL: s.cfg.ReplicaURL, MaxConcurrentExports: s.cfg.MaxConcurrentExports,
		StatementTimeout: s.cfg.StatementTimeout, LockTimeout: s.cfg.LockTimeout, Tracer: s.cfg.Worker.Tracer,
	}
}

func (s *Service) handle(ctx context.Context, job *jobs.Job[messages.ExportRequested]) error {
	m := job.Msg
	// Each attempt is its own artifact: a retry reads a new snapshot.
	artifact := messages.ArtifactID(m.BackupID, job.Delivered)
	begin := time.Now()
	_ = job.Publisher.Event(ctx, messages.Event{Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID, Run: m.Run,
		Stage: messages.StageExport, Status: messages.StatusStarted, Attempt: int(job.Delivered)})

	// Parts are compressed here and cut by their compressed size
	// (internal/compress): the encryptor only encrypts them.
	var plain int64
	var zw *compress.Writer
	// A job of a coordinator batch is read with the batch's other jobs on
	// its first delivery, each compressing at once: a smaller encoder
	// each, and each part streamed into staging as it is written instead
	// of held (32 members held up to 32 parts of 16 MiB). A streamed part
	// whose put fails fails the job; the redelivery (the batch, or this
	// tenant, failed) is exported alone and holds its parts, so that a
	// failed put is retried with the part's bytes (decision 47).
	batched := s.batches(m) && job.Delivered == 1
	newPartWriter := staging.NewPartWriter
	if batched {
		newPartWriter = staging.NewStreamingPartWriter
	}
	pw := newPartWriter(ctx, s.staging, artifact, 0, func(ctx context.Context, p staging.Part) error {
		size, ok := zw.PlainSize(p.Index)
		if !ok {
			return fmt.Errorf("part %d announced before it was cut", p.Index)
		}
		plain += size
		ready := messages.PartReady{
			V: messages.PartReadyVersion,
			ArtifactPart: messages.ArtifactPart{
				Artifact: artifact, Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID, Part: p.Index, Last: p.Last,
			},
			Size: p.Size, SHA256: p.SHA256, StagingKey: p.Key, Encoding: messages.EncodingZstd, PlainSize: size,
		}
		if err := job.Publisher.Publish(ctx, messages.EncryptSubject(artifact, p.Index), ready, messages.PartReadyMsgID(artifact, p.Index)); err != nil {
			return err
		}
		// Progress for whoever watches (arca backup --wait); a lost event
		// costs a progress line, never the backup.
		_ = job.Publisher.Event(ctx, messages.PartDone{Ref: ready.Ref(), Run: m.Run, Stage: messages.StageExport, Part: p.Index,
			Bytes: size, Attempt: int(job.Delivered), Artifact: artifact, Last: p.Last}.Event())
		return s.waitForRoom(ctx, artifact, job.Progress)
	})
	var zopts []zstd.EOption
	if batched {
		zopts = compress.LowMemory
	}
	zw, err := compress.NewWriter(pw, s.cfg.PartSize, s.level, zopts...)
	if err != nil {
		s.discard(ctx, pw, artifact, err)
		return jobs.Permanent(err)
	}

	// Every byte the source sends is progress: only an export that stalls
	// for the worker's Timeout is cancelled, however long it runs.
	var facts []byte
	if batched {
		facts, err = s.batch.export(ctx, m, zw, job.Progress)
	} else {
		facts, err = s.ExportTo(ctx, m, progressWriter{zw, job.Progress})
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		s.discard(ctx, pw, artifact, err)
		return classify(err)
	}
	// The facts are staged before the last part is announced: an uploader
	// may commit the artifact as soon as that part is sealed.
	if _, err := s.staging.Put(ctx, staging.FactsKey(artifact), bytes.NewReader(facts), nil); err != nil {
		s.discard(ctx, pw, artifact, err)
		return err
	}
	parts, err := pw.Close()
	if err != nil {
		s.discard(ctx, pw, artifact, err)
		return fmt.Errorf("export %s: %w", m.BackupID, err)
	}
	return job.Publisher.Event(ctx, messages.Event{
		Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID, Run: m.Run, Stage: messages.StageExport,
		Status: messages.StatusSucceeded, Bytes: plain, Duration: messages.Duration(time.Since(begin)),
		Attempt: int(job.Delivered), Attrs: map[string]string{"artifact": artifact, "parts": strconv.Itoa(parts)},
	})
}

// ExportTo streams the artifact a job asks for into w and returns the
// export facts (the archive manifest, as JSON). The stage's handler writes
// into staging parts; tools and benchmarks may write anywhere.
func (s *Service) ExportTo(ctx context.Context, m messages.ExportRequested, pw io.Writer) ([]byte, error) {
	switch m.Kind {
	case messages.KindTenant:
		man, err := export.Tenant(ctx, s.exportConfig(), m.Tenant, pw)
		if err != nil {
			return nil, err
		}
		return json.Marshal(man)
	case messages.KindFull:
		g, err := fulldump.Run(ctx, fulldump.Config{Source: s.source(), Limiter: s.limiter, PGBinDir: s.cfg.PGBinDir}, pw)
		if err != nil {
			return nil, err
		}
		return json.Marshal(backup.FullFacts{Format: backup.FullFormat, ToolVersion: s.cfg.ToolVersion, Globals: &g})
	default:
		return nil, jobs.Permanent(fmt.Errorf("export %s: kind %s is not exported by this stage", m.BackupID, m.Kind))
	}
}

// exportConfig is what a tenant export, alone or in a batch, reads with.
func (s *Service) exportConfig() export.Config {
	return export.Config{
		Source: s.source(), Tenancy: s.cfg.Tenancy, Limiter: s.limiter,
		Parallelism: s.cfg.Parallelism, PGBinDir: s.cfg.PGBinDir, ToolVersion: s.cfg.ToolVersion, Cache: s.cache,
		Sessions: s.sessions,
	}
}

// batches reports whether a job is exported with the rest of its batch.
func (s *Service) batches(m messages.ExportRequested) bool {
	return m.Kind == messages.KindTenant && m.Batch != "" && m.BatchSize > 1 && s.cfg.BatchSize > 1
}

// waitForRoom pauses while more than MaxPartsWaiting parts of the artifact
// wait in JOBS for an encryptor, so staging holds a bounded number of parts
// per artifact whatever its size.
// Each part an encryptor takes off the queue is progress.
func (s *Service) waitForRoom(ctx context.Context, artifact string, progress func()) error {
	stream, err := s.js.Stream(ctx, messages.StreamJobs)
	if err != nil {
		return err
	}
	delay, last := 20*time.Millisecond, uint64(0)
	for {
		info, err := stream.Info(ctx, jetstream.WithSubjectFilter(messages.EncryptFilter(artifact)))
		if err != nil {
			return fmt.Errorf("back-pressure: %w", err)
		}
		var waiting uint64
		for _, n := range info.State.Subjects {
			waiting += n
		}
		if waiting <= uint64(s.cfg.MaxPartsWaiting) {
			return nil
		}
		if waiting < last {
			progress()
		}
		last = waiting
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, time.Second)
	}
}

// progressWriter reports progress on every write.
type progressWriter struct {
	w        io.Writer
	progress func()
}

func (p progressWriter) Write(b []byte) (int, error) {
	p.progress()
	return p.w.Write(b)
}

// classify marks failures no retry can fix as permanent.
func classify(err error) error {
	switch {
	case errors.Is(err, tenancy.ErrUnknownTenant), errors.Is(err, tenancy.ErrEmptyPlan), errors.Is(err, pgdump.ErrNotFound), errors.Is(err, pgdump.ErrVersion):
		return jobs.Permanent(err)
	}
	return err
}
