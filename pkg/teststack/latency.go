package teststack

import (
	"bytes"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// LatencyProxy forwards TCP connections on loopback to a target and delays
// every chunk of bytes by Delay in each direction, as a network link with
// that one-way latency would: bytes keep their order and are not slowed
// down, only held back (a request and its answer cost 2×Delay more). It
// stands in front of PostgreSQL for benchmarks of behaviour under latency;
// faultproxy.Delay does the same for S3 requests.
type LatencyProxy struct {
	Addr  string // host:port to connect to instead of the target
	Delay time.Duration

	target string
	sent   atomic.Int64 // chunks from clients to the server
	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
}

// NewLatencyProxy starts a proxy to target (host:port), closed with the test.
func NewLatencyProxy(t testing.TB, target string, delay time.Duration) *LatencyProxy {
	t.Helper()
	p, err := StartLatencyProxy(target, delay)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// StartLatencyProxy listens on a random loopback port until Close.
func StartLatencyProxy(target string, delay time.Duration) (*LatencyProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &LatencyProxy{Addr: ln.Addr().String(), Delay: delay, target: target, ln: ln, conns: map[net.Conn]struct{}{}}
	p.wg.Go(p.accept)
	return p, nil
}

func (p *LatencyProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Go(func() { p.serve(c) })
	}
}

func (p *LatencyProxy) track(c net.Conn, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
}

func (p *LatencyProxy) serve(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = client.Close()
		return
	}
	p.track(client, true)
	p.track(server, true)
	var wg sync.WaitGroup
	wg.Go(func() { p.pipe(server, client, &p.sent) })
	wg.Go(func() { p.pipe(client, server, nil) })
	wg.Wait()
	p.track(client, false)
	p.track(server, false)
	_ = client.Close() // both directions have ended
	_ = server.Close()
}

type chunk struct {
	at   time.Time
	data []byte
}

// Sent is how many chunks the clients have sent so far: the requests that
// waited for the latency (a pipelined batch of statements is one).
func (p *LatencyProxy) Sent() int64 { return p.sent.Load() }

// pipe copies src to dst, each chunk written Delay after it was read.
func (p *LatencyProxy) pipe(dst, src net.Conn, count *atomic.Int64) {
	q := make(chan chunk, 1024)
	go func() {
		defer close(q)
		// One read buffer, each chunk copied out at its size: a fresh
		// 32 KiB buffer per read (most are a few hundred bytes) had the
		// benchmarks clearing memory on the CPU they measure.
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				if count != nil {
					count.Add(1)
				}
				q <- chunk{time.Now().Add(p.Delay), bytes.Clone(buf[:n])}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range q {
		time.Sleep(time.Until(c.at))
		if _, err := dst.Write(c.data); err != nil {
			break
		}
	}
	for range q { // drain after a write error so the reader can end
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		_ = tc.CloseWrite() // pass the end of the stream on
	} else {
		_ = dst.Close()
	}
}

// Close stops accepting and closes every open connection.
func (p *LatencyProxy) Close() {
	_ = p.ln.Close() // closing, nothing to report
	p.mu.Lock()
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
