package keyring

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arcabackup/arca/pkg/seal"
)

// ErrStale: a Live keyring is not at the newest epoch it has seen (a change
// was announced and not loaded yet, or the source does not hold it yet), or
// it has not confirmed the current epoch within its lease. Nothing is sealed
// or opened with it until it catches up: callers retry later.
var ErrStale = errors.New("keyring is not at the current epoch")

// Epoch names one announced state of the keyring: a counter every change
// (init, rotate, erase-tenant) increments, and the Fingerprint of the keyring
// it was announced for. N 0 means no change was ever announced.
type Epoch struct {
	N           uint64 `json:"epoch"`
	Fingerprint string `json:"fingerprint"`
}

// Live is the keyring of a long-running service. It holds the keyring of one
// epoch and is told the current epoch (Observe) by a watcher; Advance loads
// the keyring again from its source and holds it only if its fingerprint is
// the announced one. Primary and Key refuse with ErrStale while the held
// epoch is older than one observed, or when no epoch was confirmed within
// the lease (the service may have missed a change): a service never seals or
// opens under a keyring it knows, or cannot rule out, to be superseded.
//
// Pin lets a stage publish what it made under an epoch only if that epoch is
// still held: Advance swaps the keyring only while no pin is held, so once a
// watcher has acknowledged an epoch (after Advance returns), nothing made
// under an older one is published by this service.
type Live struct {
	load  func(context.Context) (*Keyring, error)
	lease time.Duration
	now   func() time.Time

	pin       sync.RWMutex // read: a publish under the held epoch; write: the swap
	cur       atomic.Pointer[liveState]
	seen      atomic.Uint64
	confirmed atomic.Int64 // unix nanoseconds of the last Observe
	behind    atomic.Pointer[string]
}

type liveState struct {
	kr    *Keyring
	epoch Epoch
}

// LiveOption configures a Live keyring.
type LiveOption func(*Live)

// WithLease sets how long an observed epoch stays trusted without being
// confirmed again (0: forever). The watcher confirms it on every poll; the
// lease must not be longer than the time a silent instance stays listed as
// live, so that an instance no longer listed has stopped using its keys.
func WithLease(d time.Duration) LiveOption { return func(l *Live) { l.lease = d } }

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) LiveOption { return func(l *Live) { l.now = now } }

// NewLive returns a Live keyring that loads its keyring with load (for
// example Load over a File). It holds nothing until the first Advance.
func NewLive(load func(context.Context) (*Keyring, error), opts ...LiveOption) *Live {
	l := &Live{load: load, now: time.Now}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Observe records e as the current epoch, read just now from the
// announcement (a watch update or a poll). It confirms the lease.
func (l *Live) Observe(e Epoch) {
	for {
		seen := l.seen.Load()
		if e.N <= seen || l.seen.CompareAndSwap(seen, e.N) {
			break
		}
	}
	l.confirmed.Store(l.now().UnixNano())
}

// Advance loads the keyring from its source and holds it as epoch e. For
// e.N > 0 the loaded keyring must have e's fingerprint, otherwise the source
// has not caught up (another host's copy of the file, a change saved but
// not yet announced) and the held epoch does not change. For e.N 0 (nothing
// announced) the loaded keyring is held as it is.
func (l *Live) Advance(ctx context.Context, e Epoch) error {
	kr, err := l.load(ctx)
	if err != nil {
		err = fmt.Errorf("reload keyring for epoch %d: %w", e.N, err)
		l.setBehind(err.Error())
		return err
	}
	fp := kr.Fingerprint()
	if e.N == 0 {
		e.Fingerprint = fp
	}
	if fp != e.Fingerprint {
		err := fmt.Errorf("reload keyring for epoch %d: the keyring source holds fingerprint %.12s, the epoch was announced for %.12s", e.N, fp, e.Fingerprint)
		l.setBehind(err.Error())
		return err
	}
	l.pin.Lock()
	if cur := l.cur.Load(); cur == nil || cur.epoch.N <= e.N {
		l.cur.Store(&liveState{kr: kr, epoch: e})
	}
	l.pin.Unlock()
	l.setBehind("")
	return nil
}

func (l *Live) setBehind(reason string) { l.behind.Store(&reason) }

// Held is the epoch whose keyring is held (zero before the first Advance).
func (l *Live) Held() Epoch {
	if s := l.cur.Load(); s != nil {
		return s.epoch
	}
	return Epoch{}
}

// Epoch is the number of the held epoch, to Pin later.
func (l *Live) Epoch() uint64 { return l.Held().N }

// Behind says why the last Advance failed ("" when it succeeded). It never
// holds key material.
func (l *Live) Behind() string {
	if p := l.behind.Load(); p != nil {
		return *p
	}
	return ""
}

// Pin holds off Advance while the caller publishes what it made under
// epoch; ok is false (and nothing is held) if the held epoch is no longer
// epoch or is stale. Call release promptly: an acknowledgement waits for it.
func (l *Live) Pin(epoch uint64) (release func(), ok bool) {
	l.pin.RLock()
	s, err := l.state()
	if err != nil || s.epoch.N != epoch {
		l.pin.RUnlock()
		return nil, false
	}
	return l.pin.RUnlock, true
}

func (l *Live) state() (*liveState, error) {
	s := l.cur.Load()
	if s == nil {
		return nil, fmt.Errorf("%w: no keyring loaded yet", ErrStale)
	}
	if seen := l.seen.Load(); seen > s.epoch.N {
		return nil, fmt.Errorf("%w: holds epoch %d, epoch %d was announced", ErrStale, s.epoch.N, seen)
	}
	if l.lease > 0 {
		if age := l.now().Sub(time.Unix(0, l.confirmed.Load())); age > l.lease {
			return nil, fmt.Errorf("%w: epoch %d not confirmed for %s (NATS unreachable?)", ErrStale, s.epoch.N, age.Round(time.Second))
		}
	}
	return s, nil
}

// Primary is Keyring.Primary of the held keyring, or ErrStale.
func (l *Live) Primary(tenant string) (seal.KEK, error) {
	s, err := l.state()
	if err != nil {
		return seal.KEK{}, err
	}
	return s.kr.Primary(tenant)
}

// Key implements seal.KeyLookup over the held keyring, or fails with
// ErrStale.
func (l *Live) Key(id string) (seal.KEK, error) {
	s, err := l.state()
	if err != nil {
		return seal.KEK{}, err
	}
	return s.kr.Key(id)
}
