package health_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/health"
)

func TestProbeIsOKOnlyOn2xx(t *testing.T) {
	t.Parallel()
	var status atomic.Int32
	status.Store(http.StatusNoContent)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(int(status.Load())) }))
	defer srv.Close()
	require.NoError(t, health.Probe(t.Context(), srv.URL))
	status.Store(http.StatusServiceUnavailable)
	require.ErrorContains(t, health.Probe(t.Context(), srv.URL), "503")
	require.ErrorIs(t, health.Probe(t.Context(), "::not a url"), health.ErrBadURL)
}
