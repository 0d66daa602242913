package stack

import (
	"context"
	"io"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/telemetry"
)

// staging is the staging store as the named service sees it: each put and
// get is a span of the service's tracer and counts into
// arca_stage_bytes_total (put: out, get: in); a staged part counts into
// arca_parts_total. The uploader reads each sealed part twice (to upload
// it, then to extend the whole-object SHA-256), so its direction=in is
// about twice its direction=out: both are real reads of staging.
func (d Deps) staging(service string) *staging.Store {
	if d.Obs == nil {
		return d.Conn.Staging
	}
	return d.Conn.Staging.Observed(StagingTransfer(d.Obs.Tracer(service).Tracer("github.com/arcabackup/arca/pkg/staging"),
		d.Obs.Metrics, stageOf(service)))
}

// StagingTransfer observes staging transfers for stage: a span per put or
// get on tracer, and bytes and parts on m (nil: no metrics).
func StagingTransfer(tracer trace.Tracer, m *telemetry.Metrics, stage string) staging.Transfer {
	return func(ctx context.Context, op, key string) (context.Context, func(int64, error)) {
		ctx, span := tracer.Start(ctx, "staging."+op, trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("arca.staging.key", key)))
		return ctx, func(n int64, err error) {
			span.SetAttributes(attribute.Int64("arca.bytes", n))
			if err != nil {
				span.RecordError(err)
				span.SetStatus(codes.Error, err.Error())
			}
			span.End()
			if m == nil || err != nil {
				return
			}
			switch op {
			case staging.OpPut:
				m.BytesOut(stage, n)
				if isPart(key) {
					m.Part(stage)
				}
			case staging.OpGet:
				m.BytesIn(stage, n)
			}
		}
	}
}

func isPart(key string) bool {
	return strings.HasSuffix(key, ".plain") || strings.HasSuffix(key, ".sealed")
}

// meteredStore counts what a stage moves to and from the object store:
// bytes put or uploaded (out, and a part each but for manifests) and bytes
// read (in).
type meteredStore struct {
	objstore.Store
	m     *telemetry.Metrics
	stage string
}

func (d Deps) store(service string) objstore.Store {
	if d.Obs == nil || d.Obs.Metrics == nil {
		return d.Store
	}
	return meteredStore{Store: d.Store, m: d.Obs.Metrics, stage: stageOf(service)}
}

// Head forwards objstore.Header: the uploader's confirmation HEAD stays
// one request.
func (s meteredStore) Head(ctx context.Context, key string) (objstore.ObjectInfo, error) {
	return objstore.Head(ctx, s.Store, key)
}

func (s meteredStore) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.Option) (objstore.ObjectInfo, error) {
	info, err := s.Store.Put(ctx, key, r, size, opts...)
	if err == nil {
		s.m.BytesOut(s.stage, info.Size)
		if !strings.HasSuffix(key, ".json") {
			s.m.Part(s.stage)
		}
	}
	return info, err
}

func (s meteredStore) UploadPart(ctx context.Context, key, uploadID string, n int, r io.Reader, size int64, sha256 []byte) (objstore.Part, error) {
	p, err := s.Store.UploadPart(ctx, key, uploadID, n, r, size, sha256)
	if err == nil {
		s.m.BytesOut(s.stage, size)
		s.m.Part(s.stage)
	}
	return p, err
}

func (s meteredStore) Get(ctx context.Context, key string, rng objstore.Range) (io.ReadCloser, error) {
	rc, err := s.Store.Get(ctx, key, rng)
	if err != nil {
		return nil, err
	}
	return &countingReader{ReadCloser: rc, add: func(n int64) { s.m.BytesIn(s.stage, n) }}, nil
}

// countingReader adds what is read as it is read.
type countingReader struct {
	io.ReadCloser
	add func(int64)
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.add(int64(n))
	return n, err
}
