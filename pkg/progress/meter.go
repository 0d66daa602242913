package progress

import "time"

// Window is how far back a Meter looks for its rate: long enough to smooth
// part-sized bursts, short enough to follow a change of pace.
const Window = 20 * time.Second

// minSpan is the least time a rate is measured over; before it, a rate
// (and an ETA) would be noise.
const minSpan = time.Second

// sampleEvery coalesces samples, so that a reader's many small reads keep
// the window's memory bounded.
const sampleEvery = 250 * time.Millisecond

// Meter measures the progress of one quantity towards a total (0 when
// unknown): how much is done, at what rate over the last Window, and when
// it will be finished at that rate. Not safe for concurrent use.
type Meter struct {
	now     func() time.Time
	start   time.Time
	done    int64
	total   int64
	samples []sample // oldest first; samples[0] is the rate's anchor
}

type sample struct {
	at   time.Time
	done int64
}

// NewMeter starts a meter at now() with total (0 when unknown).
func NewMeter(now func() time.Time, total int64) *Meter {
	t := now()
	return &Meter{now: now, start: t, total: total, samples: []sample{{at: t}}}
}

// Add records n more done.
func (m *Meter) Add(n int64) { m.Set(m.done + n) }

// Set records that done is done.
func (m *Meter) Set(done int64) {
	m.done = done
	t := m.now()
	if last := &m.samples[len(m.samples)-1]; len(m.samples) > 1 && t.Sub(last.at) < sampleEvery {
		last.done = done
	} else {
		m.samples = append(m.samples, sample{at: t, done: done})
	}
	// Keep one sample at or before the window's start as the anchor.
	cut := 0
	for cut+1 < len(m.samples) && t.Sub(m.samples[cut+1].at) >= Window {
		cut++
	}
	m.samples = m.samples[cut:]
}

// SetTotal changes the total (0: unknown).
func (m *Meter) SetTotal(total int64) { m.total = total }

// Done and Total are what Set and SetTotal recorded.
func (m *Meter) Done() int64  { return m.done }
func (m *Meter) Total() int64 { return m.total }

// Elapsed is the time since the meter started.
func (m *Meter) Elapsed() time.Duration { return m.now().Sub(m.start) }

// Rate is the amount done per second over the last Window; ok is false
// until there is at least a second of data and something done.
func (m *Meter) Rate() (perSecond float64, ok bool) {
	a := m.samples[0]
	span := m.now().Sub(a.at)
	if span < minSpan || m.done <= a.done {
		return 0, false
	}
	return float64(m.done-a.done) / span.Seconds(), true
}

// ETA is the time left at the current rate; ok is false while the total
// or the rate is unknown. Finished is 0.
func (m *Meter) ETA() (time.Duration, bool) {
	if m.total <= 0 {
		return 0, false
	}
	if m.done >= m.total {
		return 0, true
	}
	r, ok := m.Rate()
	if !ok {
		return 0, false
	}
	return time.Duration(float64(m.total-m.done) / r * float64(time.Second)), true
}
