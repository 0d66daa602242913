package faultproxy

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"
)

// Config sets up a Proxy.
type Config struct {
	Target string        // the server, e.g. http://127.0.0.1:7070
	Decide Decider       // nil: no faults
	Delay  time.Duration // for Delay faults (100ms)
}

// Proxy is a running fault-injecting proxy.
type Proxy struct {
	URL string // point the client's endpoint here

	cfg    Config
	srv    *http.Server
	ln     net.Listener
	mu     sync.Mutex
	counts map[Fault]int
}

// Start listens on a random loopback port and serves until Close.
func Start(cfg Config) (*Proxy, error) {
	target, err := url.Parse(cfg.Target)
	if err != nil {
		return nil, fmt.Errorf("fault proxy target %q: %w", cfg.Target, err)
	}
	if cfg.Decide == nil {
		cfg.Decide = func(*http.Request) Fault { return None }
	}
	if cfg.Delay <= 0 {
		cfg.Delay = 100 * time.Millisecond
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fault proxy: %w", err)
	}
	p := &Proxy{URL: "http://" + ln.Addr().String(), cfg: cfg, ln: ln, counts: map[Fault]int{}}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host // the client signed the Host it sent
	}}
	p.srv = &http.Server{Handler: p.handler(rp), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

func (p *Proxy) handler(next http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := p.cfg.Decide(r)
		p.mu.Lock()
		p.counts[f]++
		p.mu.Unlock()
		switch f {
		case SlowDown:
			s3Error(w, r, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
		case TooMany:
			s3Error(w, r, http.StatusTooManyRequests, "SlowDown", "Please reduce your request rate.")
		case InternalError:
			s3Error(w, r, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
		case Reset:
			reset(w)
		case Delay:
			select {
			case <-time.After(p.cfg.Delay):
			case <-r.Context().Done():
				return
			}
			next.ServeHTTP(w, r)
		default:
			next.ServeHTTP(w, r)
		}
	}
}

func s3Error(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	_, _ = io.Copy(io.Discard, r.Body) // the client finishes sending, then reads the error
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<Error><Code>%s</Code><Message>%s</Message><Resource>%s</Resource><RequestId>faultproxy</RequestId></Error>`,
		code, msg, r.URL.Path)
}

// reset closes the connection with SO_LINGER 0, so the client sees ECONNRESET.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// Injected counts the requests that got each fault (None: forwarded as is).
func (p *Proxy) Injected() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[Fault]int, len(p.counts))
	for f, n := range p.counts {
		out[f] = n
	}
	return out
}

// Close stops the proxy and drops its connections.
func (p *Proxy) Close() error { return p.srv.Close() }
