package stale

import (
	"context"
	"maps"
	"sync"
	"time"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/rules"
)

// Memory is a Freshness built from events: Observe every event (replayed
// from EVENTS at start-up, then live). It forgets everything on restart, so
// the alerter replays EVENTS' succeeded events into it when it starts; a
// scope that never succeeded within EVENTS' retention is known again from
// its next event.
type Memory struct {
	mu      sync.Mutex
	success map[alert.Scope]time.Time
	drill   map[alert.Scope]time.Time
}

var _ Freshness = (*Memory)(nil)

// NewMemory returns an empty Memory.
func NewMemory() *Memory {
	return &Memory{success: map[alert.Scope]time.Time{}, drill: map[alert.Scope]time.Time{}}
}

// Observe records what e says about freshness. Events about one part, and
// events without a kind, are ignored.
func (m *Memory) Observe(e messages.Event) {
	if e.Part != nil || e.Kind == "" || e.Time.IsZero() {
		return
	}
	scope := alert.Scope{Tenant: e.Tenant, Kind: e.Kind}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case rules.IsDrillSuccess(e):
		latest(m.drill, scope, e.Time)
	case e.Stage == rules.StageDrill:
		firstSeen(m.drill, scope, e.Time)
	case rules.IsBackupSuccess(e):
		latest(m.success, scope, e.Time)
	default:
		firstSeen(m.success, scope, e.Time)
	}
}

// LastSuccess implements Freshness.
func (m *Memory) LastSuccess(context.Context) (map[alert.Scope]time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.success), nil
}

// LastDrill implements Freshness.
func (m *Memory) LastDrill(context.Context) (map[alert.Scope]time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.drill), nil
}

// latest keeps the newest success. A success is always newer than a
// first-seen baseline of the same scope, which it replaces.
func latest(m map[alert.Scope]time.Time, s alert.Scope, t time.Time) {
	if cur, ok := m[s]; !ok || t.After(cur) {
		m[s] = t
	}
}

func firstSeen(m map[alert.Scope]time.Time, s alert.Scope, t time.Time) {
	if _, ok := m[s]; !ok {
		m[s] = t
	}
}
