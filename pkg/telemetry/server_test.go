package telemetry

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"testing"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/stretchr/testify/require"
)

// Unless ARCA_METRICS_ADDR or WithMetricsAddr says otherwise, /metrics
// listens on loopback only; the listener actually bound is a loopback one.
func TestMetricsEndpointListensOnLoopbackUnlessConfigured(t *testing.T) {
	t.Setenv(MetricsAddrEnv, "")
	o := options{metricsAddr: os.Getenv(MetricsAddrEnv)}
	host, port, err := net.SplitHostPort(o.listenAddr())
	require.NoError(t, err)
	require.True(t, net.ParseIP(host).IsLoopback(), "default host %q", host)
	require.Equal(t, "9464", port)

	// Bind the default host on a free port (9464 may be taken by another
	// test) and check where it listens.
	s, err := serveMetrics(net.JoinHostPort(host, "0"), promhttp.Handler(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.shutdown(t.Context()) })
	bound, _, err := net.SplitHostPort(s.addr)
	require.NoError(t, err)
	require.True(t, net.ParseIP(bound).IsLoopback(), "bound %s", s.addr)
	resp, err := http.Get("http://" + s.addr + "/metrics")
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	// Configured, it is whatever the operator asked for.
	t.Setenv(MetricsAddrEnv, ":9464")
	require.Equal(t, ":9464", options{metricsAddr: os.Getenv(MetricsAddrEnv)}.listenAddr())
}
