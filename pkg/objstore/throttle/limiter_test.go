package throttle

import (
	"context"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Unix(1_800_000_000, 0)} }

func TestLimiterIsUnlimitedUntilThrottled(t *testing.T) {
	c := newClock()
	l := New(Config{Now: c.now})
	for range 1000 {
		require.Zero(t, l.reserve())
	}
	require.True(t, math.IsInf(l.Rate(), 1))
}

func TestLimiterHalvesTheObservedRateOnceperBurst(t *testing.T) {
	c := newClock()
	var broadcasts atomic.Int32
	l := New(Config{Now: c.now, OnThrottle: func() { broadcasts.Add(1) }})
	for range 100 { // 100 requests in the first second
		require.Zero(t, l.reserve())
	}
	c.add(time.Second)
	for range 5 { // five in-flight requests answered SlowDown together
		l.Throttled()
	}
	require.Equal(t, 50.0, l.Rate(), "half the 100 req/s observed")
	require.EqualValues(t, 1, l.Cuts(), "a burst counts once")
	require.EqualValues(t, 5, broadcasts.Load(), "every local signal is broadcast")

	c.add(300 * time.Millisecond)
	l.Signal() // a signal from another replica
	require.Equal(t, 25.0, l.Rate())
	require.EqualValues(t, 5, broadcasts.Load(), "remote signals are not re-broadcast")
}

func TestLimiterPacesRequestsAtTheRate(t *testing.T) {
	c := newClock()
	l := New(Config{Now: c.now, MinRate: 10})
	l.Signal() // nothing observed: the floor applies
	require.Equal(t, 10.0, l.Rate())
	c.add(time.Second) // a full bucket: rate/10 = 1 token
	require.Zero(t, l.reserve())
	require.InDelta(t, float64(100*time.Millisecond), float64(l.reserve()), float64(time.Millisecond))
	c.add(100 * time.Millisecond)
	require.Zero(t, l.reserve())
}

func TestLimiterRecoversWithSuccesses(t *testing.T) {
	c := newClock()
	l := New(Config{Now: c.now, MaxRate: 20, Increase: 1})
	l.Signal()
	require.Equal(t, 1.0, l.Rate())
	for range 19 {
		l.Succeeded()
	}
	require.Equal(t, 20.0, l.Rate())
	l.Succeeded()
	require.True(t, math.IsInf(l.Rate(), 1), "past MaxRate the limit is lifted")
}

func TestLimiterWaitHonoursContext(t *testing.T) {
	l := New(Config{MinRate: 0.001})
	l.Signal() // the bucket starts empty after a cut: the next token is 1000 s away
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, l.Wait(ctx), context.DeadlineExceeded)
}
