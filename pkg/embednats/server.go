package embednats

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// readyWait bounds how long New waits for the server to accept clients.
const readyWait = 2 * time.Minute

// Options configure one embedded server.
type Options struct {
	// Dir holds JetStream's data. Required: an embedded server is never
	// memory-only, so that a restart keeps the queues.
	Dir string
	// Host and Port to listen on; Port 0 picks a free one. Host defaults to
	// 127.0.0.1.
	Host string
	Port int
	// Name identifies the server in a cluster.
	Name string
	// SyncAlways makes JetStream fsync every write before acknowledging it.
	// Off, a power cut can lose up to the sync interval (two minutes by
	// default) of acknowledged writes; see docs/DESIGN.md §3.1.
	SyncAlways bool
	// Cluster, when set, joins a JetStream cluster over routes.
	Cluster *ClusterOptions
	// Debug logs the server's own output to stderr.
	Debug bool
	// ConfigFile, when set, is a nats-server configuration file read first
	// (accounts, users and permissions: deploy/compose/nats/accounts.conf);
	// the fields above override what it says of listening and JetStream.
	ConfigFile string
	// Encryption, when set, encrypts everything JetStream writes under Dir
	// (streams, KV, object buckets, consumers' state) with the server's own
	// encryption at rest. Nil stores plaintext: staged parts, which hold
	// patient data until sealed, would then rest in clear on disk, and the
	// file store does not erase deleted messages.
	Encryption *Encryption
	// MaxStore caps what JetStream stores on disk, all streams together
	// (the server's max_file_store); 0 leaves the server's default (75 %
	// of the free disk). A publish that finds the store full fails with
	// "insufficient resources" (JetStream error 10023). Unlike a
	// stream's MaxBytes, it does not size the streams' file blocks
	// (docs/DESIGN.md decision 43).
	MaxStore int64
}

// Encryption is JetStream's encryption at rest. The key derives a
// per-stream key for every stream; losing it loses the server's queues
// (not the backups, which are sealed with the keyring). A store written
// without a key is encrypted in place when the server first starts with one.
type Encryption struct {
	// Key is the server's key: any string; use at least 32 random bytes,
	// hex or base64 encoded (see NewKey).
	Key string
	// Cipher is "aes" (AES-256-GCM, the default) or "chacha"
	// (ChaCha20-Poly1305).
	Cipher string
}

// NewKey returns a fresh random key for Encryption: 32 bytes, hex encoded.
func NewKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("embednats: new key: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// storeCipher maps a cipher name onto the server's.
func storeCipher(name string) (server.StoreCipher, error) {
	switch strings.ToLower(name) {
	case "", "aes":
		return server.AES, nil
	case "chacha", "chachapoly":
		return server.ChaCha, nil
	}
	return server.NoCipher, fmt.Errorf("embednats: cipher %q is not aes or chacha", name)
}

// ClusterOptions join the server to a cluster.
type ClusterOptions struct {
	Name   string
	Port   int      // route listen port
	Routes []string // nats-route://host:port of every member, self included is fine
}

// Server is a running embedded server.
type Server struct {
	*server.Server
	opts Options
}

// Start starts a server and waits until it accepts clients.
func Start(o Options) (*Server, error) {
	if o.Dir == "" {
		return nil, errors.New("embednats: Dir is required")
	}
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	port := o.Port
	if port == 0 {
		port = server.RANDOM_PORT
	}
	so := &server.Options{}
	if o.ConfigFile != "" {
		var err error
		if so, err = server.ProcessConfigFile(o.ConfigFile); err != nil {
			return nil, fmt.Errorf("embednats: config %s: %w", o.ConfigFile, err)
		}
	}
	so.ServerName, so.Host, so.Port = o.Name, o.Host, port
	so.JetStream, so.StoreDir, so.SyncAlways = true, o.Dir, o.SyncAlways
	so.NoSigs, so.NoLog = true, !o.Debug
	// Large parts travel through the object store in chunks, but messages
	// may carry headers and small payloads of a few KB.
	so.MaxPayload = 8 << 20
	if o.MaxStore > 0 {
		so.JetStreamMaxStore = o.MaxStore
	}
	if e := o.Encryption; e != nil {
		if len(e.Key) < 16 {
			return nil, errors.New("embednats: the JetStream encryption key is shorter than 16 characters")
		}
		c, err := storeCipher(e.Cipher)
		if err != nil {
			return nil, err
		}
		so.JetStreamKey, so.JetStreamCipher = e.Key, c
	}
	if o.Cluster != nil {
		so.Cluster = server.ClusterOpts{Name: o.Cluster.Name, Host: o.Host, Port: o.Cluster.Port}
		so.Routes = server.RoutesFromStr(joinRoutes(o.Cluster.Routes))
	}
	s, err := server.NewServer(so)
	if err != nil {
		return nil, fmt.Errorf("embednats: new server: %w", err)
	}
	if o.Debug {
		s.ConfigureLogger()
	}
	go s.Start()
	// A bound, not an expectation: a loaded machine, an encrypted store
	// being read back or a cluster electing its leader can take a while.
	if !s.ReadyForConnections(readyWait) {
		s.Shutdown()
		return nil, fmt.Errorf("embednats: server not ready after %s", readyWait)
	}
	return &Server{Server: s, opts: o}, nil
}

func joinRoutes(routes []string) string {
	out := ""
	for i, r := range routes {
		if i > 0 {
			out += ","
		}
		out += r
	}
	return out
}

// URL is the client URL of the server.
func (s *Server) URL() string { return s.ClientURL() }

// Stop shuts the server down and waits for it to finish.
func (s *Server) Stop() {
	s.Shutdown()
	s.WaitForShutdown()
}

// FreePort asks the kernel for a free TCP port on host. There is a small
// race between closing the probe and the server binding it; cluster routes
// need known ports up front, so it is the best available.
func FreePort(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	_, p, _ := net.SplitHostPort(l.Addr().String())
	return strconv.Atoi(p)
}
