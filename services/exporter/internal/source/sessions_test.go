package source_test

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

// TestSessionsKeepOnlyCleanSessions: a session comes back to the next Get
// only when its use ended cleanly with no transaction open, and goes away
// after its idle time.
func TestSessionsKeepOnlyCleanSessions(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	cfg := source.Config{URL: db.URL}
	s := source.NewSessions(2, time.Hour)

	a, reused, err := s.Get(t.Context(), cfg)
	require.NoError(t, err)
	require.False(t, reused)
	s.Put(a, cfg, true)
	require.Equal(t, 1, s.Idle())
	b, reused, err := s.Get(t.Context(), cfg)
	require.NoError(t, err)
	require.True(t, reused)
	require.Same(t, a, b)

	// A transaction left open, or a use that failed: closed, not kept.
	_, err = b.Exec(t.Context(), "BEGIN")
	require.NoError(t, err)
	s.Put(b, cfg, true)
	require.Zero(t, s.Idle())
	require.True(t, b.IsClosed())
	c, _, err := s.Get(t.Context(), cfg)
	require.NoError(t, err)
	s.Put(c, cfg, false)
	require.True(t, c.IsClosed())

	// Another source's settings never get this one's sessions.
	d, _, err := s.Get(t.Context(), cfg)
	require.NoError(t, err)
	s.Put(d, cfg, true)
	other := cfg
	other.StatementTimeout = time.Minute
	e, reused, err := s.Get(t.Context(), other)
	require.NoError(t, err)
	require.False(t, reused)
	s.Put(e, other, false)

	// No more than max are kept; the oldest goes first.
	var conns []*pgx.Conn
	for range 3 {
		c, _, err := s.Get(t.Context(), cfg)
		require.NoError(t, err)
		conns = append(conns, c)
	}
	require.Zero(t, s.Idle())
	for _, c := range conns {
		s.Put(c, cfg, true)
	}
	require.Equal(t, 2, s.Idle())
	require.True(t, conns[0].IsClosed())
	require.False(t, conns[2].IsClosed())

	// Close closes what is kept and whatever comes back after.
	kept, _, err := s.Get(t.Context(), cfg)
	require.NoError(t, err)
	late, _, err := s.Get(t.Context(), cfg)
	require.NoError(t, err)
	s.Put(kept, cfg, true)
	require.Equal(t, 1, s.Idle())
	s.Close()
	require.Zero(t, s.Idle())
	require.True(t, kept.IsClosed())
	s.Put(late, cfg, true)
	require.True(t, late.IsClosed())
	require.Zero(t, s.Idle())

	short := source.NewSessions(4, 20*time.Millisecond)
	f, _, err := short.Get(t.Context(), cfg)
	require.NoError(t, err)
	short.Put(f, cfg, true)
	require.Eventually(t, func() bool { return short.Idle() == 0 && f.IsClosed() }, time.Minute, 10*time.Millisecond,
		"an idle session is closed after its idle time")
}
