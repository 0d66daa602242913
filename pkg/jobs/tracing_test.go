package jobs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// A handler of part 3's job that fails on part 7 (the uploader hashes
// whichever part is next) leaves an error span naming part 7, and part 3
// as the job's.
func TestAnErrorSpanNamesTheFailingPart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	cfg := quietConfig()
	cfg.Tracer = tp
	run(t, b.js, encryptStage, cfg, func(context.Context, *jobs.Job[messages.PartReady]) error {
		return jobs.Permanent(jobs.InPart(7, errors.New("staged part damaged")))
	})
	m := messages.PartReady{V: 1, ArtifactPart: messages.ArtifactPart{Artifact: "b.a1", Kind: messages.KindTenant, BackupID: "b", Part: 3}, Size: 10,
		SHA256: strings.Repeat("ab", 32), StagingKey: "b.a1/3.plain"}
	require.NoError(t, b.pub.Publish(t.Context(), messages.EncryptSubject(m.Artifact, m.Part), m, messages.PartReadyMsgID(m.Artifact, m.Part)))

	var failed sdktrace.ReadOnlySpan
	teststack.Eventually(t, 20*time.Second, func() bool {
		for _, s := range rec.Ended() {
			if s.Status().Code == codes.Error {
				failed = s
				return true
			}
		}
		return false
	}, "the failed delivery's span")
	attrs := map[string]int64{}
	for _, kv := range failed.Attributes() {
		if kv.Key == "arca.part" || kv.Key == "arca.job_part" {
			attrs[string(kv.Key)] = kv.Value.AsInt64() // the last value set wins, as in the exporter
		}
	}
	require.Equal(t, map[string]int64{"arca.part": 7, "arca.job_part": 3}, attrs)
}
