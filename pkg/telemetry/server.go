package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// metricsServer serves one handler at /metrics.
type metricsServer struct {
	srv  *http.Server
	addr string
	done chan struct{}
}

// serveMetrics listens on addr at once, so that a taken port fails Setup
// rather than a goroutine later, and serves h at /metrics.
func serveMetrics(addr string, h http.Handler, log *slog.Logger) (*metricsServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("telemetry: metrics endpoint %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	s := &metricsServer{
		srv:  &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
		addr: ln.Addr().String(),
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics endpoint stopped", "addr", s.addr, "err", err)
		}
	}()
	return s, nil
}

// shutdown lets a scrape in progress finish, then stops serving.
func (s *metricsServer) shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		_ = s.srv.Close()
	}
	<-s.done
	if err != nil {
		return fmt.Errorf("telemetry: metrics endpoint: %w", err)
	}
	return nil
}
