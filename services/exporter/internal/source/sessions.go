package source

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Sessions keeps the sessions of finished exports for the next ones: a new
// session costs the server a backend process (~13 ms of its CPU on the two
// shared cores of #17.5's benchmark, as much as the rest of a small
// tenant's export) and the exporter the round trips of a connection. A
// session is kept only when the export that used it ended cleanly, with no
// transaction open (what an export sets in a session lapses with its
// transaction), and is closed after IdleTime unused. Safe for concurrent
// use; nil keeps nothing (Get connects, Put closes).
type Sessions struct {
	max      int
	idleTime time.Duration

	mu     sync.Mutex
	idle   []idleSession // oldest first
	timer  *time.Timer
	closed bool
}

type idleSession struct {
	conn  *pgx.Conn
	key   string
	since time.Time
}

// NewSessions keeps up to maxIdle idle sessions, each for up to idleTime.
func NewSessions(maxIdle int, idleTime time.Duration) *Sessions {
	return &Sessions{max: maxIdle, idleTime: idleTime}
}

// key is what a session's settings depend on (Connect).
func key(c Config) string {
	return c.ReadURL() + "\x00" + strconv.FormatInt(int64(c.StatementTimeout), 10) + "\x00" + strconv.FormatInt(int64(c.LockTimeout), 10)
}

// Get returns an idle session of this source, the most recently used, or
// connects a new one; reused says which.
func (s *Sessions) Get(ctx context.Context, c Config) (conn *pgx.Conn, reused bool, err error) {
	if s != nil {
		k := key(c)
		s.mu.Lock()
		for i := len(s.idle) - 1; i >= 0; i-- {
			if it := s.idle[i]; it.key == k && !it.conn.IsClosed() {
				s.idle = append(s.idle[:i], s.idle[i+1:]...)
				s.mu.Unlock()
				return it.conn, true, nil
			}
		}
		s.mu.Unlock()
	}
	conn, err = Connect(ctx, c)
	return conn, false, err
}

// Put hands a session back; clean says that its use ended without error.
// Anything else (an error, a transaction left open, no room) closes it.
func (s *Sessions) Put(conn *pgx.Conn, c Config, clean bool) {
	if conn == nil {
		return
	}
	if s == nil || !clean || conn.IsClosed() || conn.PgConn().TxStatus() != 'I' {
		closeSession(conn)
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		closeSession(conn)
		return
	}
	s.idle = append(s.idle, idleSession{conn: conn, key: key(c), since: time.Now()})
	var drop []*pgx.Conn
	for len(s.idle) > s.max {
		drop = append(drop, s.idle[0].conn)
		s.idle = s.idle[1:]
	}
	if s.timer == nil {
		s.timer = time.AfterFunc(s.idleTime, s.expire)
	}
	s.mu.Unlock()
	for _, c := range drop {
		closeSession(c)
	}
}

// expire closes the sessions idle for IdleTime and runs again while some
// are left.
func (s *Sessions) expire() {
	s.mu.Lock()
	cut := time.Now().Add(-s.idleTime)
	var drop []*pgx.Conn
	for len(s.idle) > 0 && !s.idle[0].since.After(cut) {
		drop = append(drop, s.idle[0].conn)
		s.idle = s.idle[1:]
	}
	s.timer = nil
	if len(s.idle) > 0 {
		s.timer = time.AfterFunc(s.idle[0].since.Sub(cut), s.expire)
	}
	s.mu.Unlock()
	for _, c := range drop {
		closeSession(c)
	}
}

// Close closes the idle sessions; sessions handed back later are closed
// too. A stopped exporter holds no session of the source.
func (s *Sessions) Close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.closed = true
	idle := s.idle
	s.idle = nil
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	s.mu.Unlock()
	for _, it := range idle {
		closeSession(it.conn)
	}
}

// Idle is how many sessions are kept now.
func (s *Sessions) Idle() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.idle)
}

func closeSession(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}
