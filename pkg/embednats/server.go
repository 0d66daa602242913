package embednats

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

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
	// default) of acknowledged writes; see DESIGN.md "Durability".
	SyncAlways bool
	// Cluster, when set, joins a JetStream cluster over routes.
	Cluster *ClusterOptions
	// Debug logs the server's own output to stderr.
	Debug bool
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
	so := &server.Options{
		ServerName: o.Name,
		Host:       o.Host,
		Port:       port,
		JetStream:  true,
		StoreDir:   o.Dir,
		SyncAlways: o.SyncAlways,
		NoSigs:     true,
		NoLog:      !o.Debug,
		// Large parts travel through the object store in chunks, but
		// messages may carry headers and small payloads of a few KB.
		MaxPayload: 8 << 20,
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
	if !s.ReadyForConnections(30 * time.Second) {
		s.Shutdown()
		return nil, errors.New("embednats: server not ready after 30s")
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
	defer l.Close()
	_, p, _ := net.SplitHostPort(l.Addr().String())
	return strconv.Atoi(p)
}
