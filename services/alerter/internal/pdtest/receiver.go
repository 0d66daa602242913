package pdtest

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
)

// Event is an accepted Events API v2 event.
type Event struct {
	RoutingKey string `json:"routing_key"`
	Action     string `json:"event_action"`
	DedupKey   string `json:"dedup_key"`
	Payload    *struct {
		Summary  string         `json:"summary"`
		Source   string         `json:"source"`
		Severity string         `json:"severity"`
		Class    string         `json:"class"`
		Details  map[string]any `json:"custom_details"`
	} `json:"payload"`
}

// Incident is the receiver's view of one dedup key.
type Incident struct {
	Open     bool
	Triggers int    // triggers accepted for the key
	Summary  string // of the latest trigger
	Severity string
	Routing  string // routing key of the latest trigger
}

// Receiver is one test's PagerDuty.
type Receiver struct {
	mu        sync.Mutex
	addr      string
	ln        net.Listener
	srv       *http.Server
	failWith  int // 0: healthy
	requests  int // every request that reached the handler
	refused   bool
	accepted  []Event
	invalid   []string
	incidents map[string]*Incident
	created   int
}

// New starts a receiver on a loopback port, stopped at cleanup.
func New(t testing.TB) *Receiver {
	t.Helper()
	r := &Receiver{incidents: map[string]*Incident{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("pdtest: listen: %v", err)
	}
	r.addr = ln.Addr().String()
	r.serve(ln)
	t.Cleanup(func() {
		r.mu.Lock()
		srv := r.srv
		r.mu.Unlock()
		_ = srv.Close()
	})
	return r
}

// URL is the Events API endpoint (the client appends /v2/enqueue).
func (r *Receiver) URL() string { return "http://" + r.addr }

func (r *Receiver) serve(ln net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(r.handle)}
	r.ln, r.srv = ln, srv
	go func() { _ = srv.Serve(ln) }()
}

// FailWith makes every request answer status (429, 500...) until Recover.
func (r *Receiver) FailWith(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failWith = status
}

// Refuse closes the listener: connections are refused until Recover.
func (r *Receiver) Refuse() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.refused {
		r.refused = true
		_ = r.srv.Close()
	}
}

// Recover answers normally again, listening on the same address.
func (r *Receiver) Recover() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failWith = 0
	if !r.refused {
		return nil
	}
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		return errors.New("pdtest: listen again on " + r.addr + ": " + err.Error())
	}
	r.refused = false
	r.serve(ln)
	return nil
}

// Requests counts every request that reached the receiver, failed ones included.
func (r *Receiver) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// Accepted returns the events answered 202, in order.
func (r *Receiver) Accepted() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.accepted)
}

// Invalid returns why events were answered 400.
func (r *Receiver) Invalid() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.invalid)
}

// Incident returns the state of a dedup key.
func (r *Receiver) Incident(key string) (Incident, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	in, ok := r.incidents[key]
	if !ok {
		return Incident{}, false
	}
	return *in, true
}

// Created counts incidents opened (a trigger on a key not open).
func (r *Receiver) Created() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.created
}

// OpenKeys lists the dedup keys with an open incident, sorted.
func (r *Receiver) OpenKeys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k, in := range r.incidents {
		if in.Open {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
