package teststack

import (
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/embednats"
)

// NATS is one test's JetStream server and a connection to it.
type NATS struct {
	Server *embednats.Server
	URL    string
	Conn   *nats.Conn
	JS     jetstream.JetStream
	// Dir is the server's JetStream store directory.
	Dir string
}

// NATSOptions change how NewNATSWith starts a server.
type NATSOptions struct {
	// Plaintext turns JetStream's encryption at rest off; every other test
	// server encrypts its store, as deployments do.
	Plaintext bool
	// Options, when set, start the server exactly as given (Dir defaults
	// to a temporary directory).
	Options *embednats.Options
	// NoConnection leaves Conn and JS nil (a server whose users need
	// credentials).
	NoConnection bool
}

// NewNATS starts an embedded JetStream server on a random loopback port,
// with its store encrypted at rest in the test's temporary directory, and
// stops it when the test ends.
func NewNATS(t testing.TB) *NATS {
	t.Helper()
	return NewNATSWith(t, NATSOptions{})
}

// NewNATSWith starts a server with options.
func NewNATSWith(t testing.TB, o NATSOptions) *NATS {
	t.Helper()
	var so embednats.Options
	if o.Options != nil {
		so = *o.Options
	} else if !o.Plaintext {
		so.Encryption = testEncryption(t)
	}
	if so.Dir == "" {
		so.Dir = t.TempDir()
	}
	s, err := embednats.Start(so)
	if err != nil {
		t.Fatalf("teststack: %v", err)
	}
	t.Cleanup(s.Stop)
	n := &NATS{Server: s, URL: s.URL(), Dir: so.Dir}
	if !o.NoConnection {
		n.Conn, n.JS = Connect(t, n.URL)
	}
	return n
}

// testEncryption is a fresh JetStream key for one test's servers.
func testEncryption(t testing.TB) *embednats.Encryption {
	t.Helper()
	key, err := embednats.NewKey()
	if err != nil {
		t.Fatalf("teststack: %v", err)
	}
	return &embednats.Encryption{Key: key}
}

// Connect opens a client connection that the test closes at cleanup.
func Connect(t testing.TB, url string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatalf("teststack: connect %s: %v", url, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("teststack: jetstream: %v", err)
	}
	return nc, js
}

// Cluster is an in-process JetStream cluster of three servers, each with its
// own store directory and route port.
type Cluster struct {
	Servers []*embednats.Server
	URLs    []string
	routes  []string
	dirs    []string
	ports   []int
	name    string
	enc     *embednats.Encryption
}

// NewCluster starts a 3-node JetStream cluster and waits until it has a
// meta leader.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	c := &Cluster{name: "arca-test-" + randomHex(3), enc: testEncryption(t)}
	for i := 0; i < 3; i++ {
		rp, err := embednats.FreePort("127.0.0.1")
		if err != nil {
			t.Fatalf("teststack: free port: %v", err)
		}
		c.ports = append(c.ports, rp)
		c.routes = append(c.routes, fmt.Sprintf("nats-route://127.0.0.1:%d", rp))
		c.dirs = append(c.dirs, t.TempDir())
	}
	c.Servers = make([]*embednats.Server, 3)
	for i := range c.Servers {
		c.start(t, i)
	}
	t.Cleanup(func() {
		for _, s := range c.Servers {
			if s != nil {
				s.Stop()
			}
		}
	})
	c.WaitForMetaLeader(t)
	return c
}

func (c *Cluster) start(t testing.TB, i int) {
	t.Helper()
	s, err := embednats.Start(embednats.Options{
		Dir:        c.dirs[i],
		Name:       fmt.Sprintf("n%d", i),
		Cluster:    &embednats.ClusterOptions{Name: c.name, Port: c.ports[i], Routes: c.routes},
		Encryption: c.enc,
	})
	if err != nil {
		t.Fatalf("teststack: cluster node %d: %v", i, err)
	}
	c.Servers[i] = s
	if len(c.URLs) < 3 {
		c.URLs = append(c.URLs, s.URL())
	} else {
		c.URLs[i] = s.URL()
	}
}

// ClientURL lists every member, so a client fails over between them.
func (c *Cluster) ClientURL() string {
	out := ""
	for i, u := range c.URLs {
		if c.Servers[i] == nil {
			continue
		}
		if out != "" {
			out += ","
		}
		out += u
	}
	return out
}

// WaitForMetaLeader waits until the cluster has elected a JetStream meta
// leader that knows every live member, so R3 streams can be placed.
func (c *Cluster) WaitForMetaLeader(t testing.TB) {
	t.Helper()
	live := 0
	for _, s := range c.Servers {
		if s != nil {
			live++
		}
	}
	Eventually(t, 2*time.Minute, func() bool {
		for _, s := range c.Servers {
			if s != nil && s.JetStreamIsLeader() && len(s.JetStreamClusterPeers()) >= live {
				return true
			}
		}
		return false
	}, "cluster meta leader with every peer")
}

// StreamLeader returns the index of the server leading a stream, or -1.
func (c *Cluster) StreamLeader(stream string) int {
	for i, s := range c.Servers {
		if s != nil && s.JetStreamIsStreamLeader("$G", stream) {
			return i
		}
	}
	return -1
}

// Kill stops server i abruptly (its store stays, as after a crash).
func (c *Cluster) Kill(i int) {
	c.Servers[i].Stop()
	c.Servers[i] = nil
}

// Restart starts server i again on its old store.
func (c *Cluster) Restart(t testing.TB, i int) { c.start(t, i) }

// MinWait is the least Eventually waits before it fails: a condition a
// test waits for may take far longer than the test expects on a loaded
// machine (issue #14: 10 to 30 s limits failed tests under load), and a
// longer limit costs a passing test nothing.
const MinWait = 2 * time.Minute

// Eventually polls cond every 10 ms until it holds or the timeout (at
// least MinWait) passes.
func Eventually(t testing.TB, timeout time.Duration, cond func() bool, what string) {
	t.Helper()
	timeout = max(timeout, MinWait)
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("teststack: timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
