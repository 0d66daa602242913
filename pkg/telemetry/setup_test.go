package telemetry_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/telemetry"
)

type bundle struct {
	tel *telemetry.Telemetry
}

// setup builds a service's telemetry with the metrics endpoint on a free
// loopback port, shut down when the test ends.
func setup(t *testing.T, opts ...telemetry.Option) *bundle {
	t.Helper()
	opts = append([]telemetry.Option{
		telemetry.WithMetricsAddr("127.0.0.1:0"),
		telemetry.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	}, opts...)
	tel, err := telemetry.Setup(t.Context(), "arca-test", opts...)
	require.NoError(t, err)
	t.Cleanup(func() {
		// t.Context is cancelled by the time cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, tel.Shutdown(ctx))
	})
	return &bundle{tel: tel}
}

// scrape fetches the metrics endpoint over HTTP and parses it.
func (b *bundle) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + b.tel.MetricsAddr() + "/metrics")
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	return fams
}

// value returns the value of the series of family name whose labels
// include want: a counter's or gauge's value, a histogram's count.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	t.Helper()
	fam, ok := fams[name]
	require.Truef(t, ok, "metric %s missing from the scrape", name)
	for _, m := range fam.GetMetric() {
		if !hasLabels(m, want) {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("metric %s has no series with labels %v", name, want)
	return 0
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}
