package stack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/embednats"
	"github.com/arcabackup/arca/pkg/teststack"
)

// jaegerBinary finds the Jaeger built by `make services`.
func jaegerBinary(t *testing.T) string {
	if p := os.Getenv("ARCA_JAEGER"); p != "" {
		return p
	}
	if p, err := exec.LookPath("arca-jaeger"); err == nil {
		return p
	}
	gopath, _ := exec.Command("go", "env", "GOPATH").Output()
	p := filepath.Join(string(gopath[:len(gopath)-1]), "bin", "arca-jaeger")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	t.Fatal("the trace test needs Jaeger: run `make services` (builds tools/jaeger as arca-jaeger) or set ARCA_JAEGER")
	return ""
}

// startJaeger runs Jaeger with in-memory storage, OTLP over HTTP and the
// query API, all on loopback ports.
func startJaeger(t *testing.T) (otlp, query string) {
	t.Helper()
	ports := make([]int, 3)
	for i := range ports {
		p, err := embednats.FreePort("127.0.0.1")
		require.NoError(t, err)
		ports[i] = p
	}
	conf := fmt.Sprintf(`service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces: {receivers: [otlp], processors: [batch], exporters: [jaeger_storage_exporter]}
  telemetry: {metrics: {level: none}}
extensions:
  jaeger_query:
    storage: {traces: mem}
    http: {endpoint: "127.0.0.1:%d"}
    grpc: {endpoint: "127.0.0.1:%d"}
  jaeger_storage:
    backends: {mem: {memory: {max_traces: 10000}}}
receivers:
  otlp: {protocols: {http: {endpoint: "127.0.0.1:%d"}}}
processors:
  batch: {timeout: 100ms}
exporters:
  jaeger_storage_exporter: {trace_storage: mem}
`, ports[0], ports[1], ports[2])
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "jaeger.yaml"), []byte(conf), 0o600))
	cmd := exec.Command(jaegerBinary(t), "--config", filepath.Join(dir, "jaeger.yaml"))
	log, err := os.Create(filepath.Join(dir, "jaeger.log"))
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = log, log
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	query = fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	teststack.Eventually(t, 60*time.Second, func() bool {
		resp, err := http.Get(query + "/api/services")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	}, "jaeger query API")
	return fmt.Sprintf("http://127.0.0.1:%d", ports[2]), query
}

type jaegerTrace struct {
	TraceID string `json:"traceID"`
	Spans   []struct {
		SpanID        string `json:"spanID"`
		OperationName string `json:"operationName"`
		ProcessID     string `json:"processID"`
		References    []struct {
			RefType string `json:"refType"`
			TraceID string `json:"traceID"`
			SpanID  string `json:"spanID"`
		} `json:"references"`
		Tags []struct {
			Key   string `json:"key"`
			Value any    `json:"value"`
		} `json:"tags"`
	} `json:"spans"`
	Processes map[string]struct {
		ServiceName string `json:"serviceName"`
	} `json:"processes"`
}

// One tenant backup, scheduled through the coordinator and carried out by
// every stage, is one trace in a real Jaeger: spans from the coordinator,
// exporter, encryptor, uploader and verifier under one trace id, each
// parented on a span of the same trace.
func TestOneTraceFollowsATenantBackupThroughEveryService(t *testing.T) {
	otlp, query := startJaeger(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", otlp)
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "100")
	ctx := t.Context()

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	t.Setenv("ARCA_METRICS_ADDR", "127.0.0.1:0")
	obs, err := stack.Observe(ctx, append(append([]string(nil), stack.StageServices...), "coordinator"), quiet)
	require.NoError(t, err)
	obs.SetGlobalFor("coordinator")
	p := startPipeline(t, obs)
	p.backup(t, "acme")
	p.stop()
	require.NoError(t, obs.Shutdown(context.Background())) // flush every span

	want := []string{"arca-coordinator", "arca-exporter", "arca-encryptor", "arca-uploader", "arca-verifier"}
	var tr jaegerTrace
	teststack.Eventually(t, 30*time.Second, func() bool {
		resp, err := http.Get(query + "/api/traces?service=arca-coordinator&limit=20")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var body struct{ Data []jaegerTrace }
		if json.NewDecoder(resp.Body).Decode(&body) != nil {
			return false
		}
		for _, c := range body.Data {
			seen := map[string]bool{}
			for _, p := range c.Processes {
				seen[p.ServiceName] = true
			}
			all := true
			for _, s := range want {
				all = all && seen[s]
			}
			if all {
				tr = c
				return true
			}
		}
		return false
	}, "one trace with spans from every service")

	ids := map[string]bool{}
	for _, s := range tr.Spans {
		ids[s.SpanID] = true
	}
	roots := 0
	for _, s := range tr.Spans {
		if len(s.References) == 0 {
			roots++
			require.Equal(t, "arca-coordinator", tr.Processes[s.ProcessID].ServiceName, "the root span is the coordinator's")
			continue
		}
		for _, r := range s.References {
			require.Equal(t, tr.TraceID, r.TraceID)
			require.True(t, ids[r.SpanID], "span %s (%s) is parented on a span of the same trace", s.OperationName, tr.Processes[s.ProcessID].ServiceName)
		}
	}
	require.Equal(t, 1, roots)

	// Inside the stages' spans: each staging put and get, and the
	// exporter's statements on PostgreSQL.
	ops := map[string]map[string]bool{} // service -> operation names
	db := false
	for _, s := range tr.Spans {
		svc := tr.Processes[s.ProcessID].ServiceName
		if ops[svc] == nil {
			ops[svc] = map[string]bool{}
		}
		ops[svc][s.OperationName] = true
		for _, tag := range s.Tags {
			if (tag.Key == "db.system" || tag.Key == "db.system.name") && tag.Value == "postgresql" && svc == "arca-exporter" {
				db = true
			}
		}
	}
	require.True(t, ops["arca-exporter"]["staging.put"], "exporter: %v", ops["arca-exporter"])
	require.True(t, ops["arca-encryptor"]["staging.get"] && ops["arca-encryptor"]["staging.put"], "encryptor: %v", ops["arca-encryptor"])
	require.True(t, ops["arca-uploader"]["staging.get"], "uploader: %v", ops["arca-uploader"])
	require.True(t, db, "a PostgreSQL span of the exporter: %v", ops["arca-exporter"])
	t.Logf("trace %s: %d spans from %d services", tr.TraceID, len(tr.Spans), len(tr.Processes))
}
