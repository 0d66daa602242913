package progress_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/progress"
)

// clock is a fake clock the tests move by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 11, 29, 21, 0, 0, 0, time.UTC)} }

func TestMeterRateAndETA(t *testing.T) {
	c := newClock()
	m := progress.NewMeter(c.now, 100<<20)
	_, ok := m.Rate()
	require.False(t, ok, "no rate before anything is done")
	m.Add(1 << 20)
	_, ok = m.ETA()
	require.False(t, ok, "no ETA under a second of data")

	for i := 0; i < 10; i++ { // 5 MiB/s for 10 s
		c.advance(time.Second)
		m.Add(5 << 20)
	}
	r, ok := m.Rate()
	require.True(t, ok)
	require.InDelta(t, 5.1*(1<<20), r, 1, "rate since the start: 51 MiB in 10 s")
	eta, ok := m.ETA()
	require.True(t, ok)
	require.InDelta(t, 49/5.1, eta.Seconds(), 0.01)

	// The rate follows the last Window: after a slow patch it is the slow
	// rate, not the average since the start.
	for i := 0; i < 30; i++ {
		c.advance(time.Second)
		m.Add(1 << 20)
	}
	r, _ = m.Rate()
	require.InDelta(t, float64(1<<20), r, float64(1<<18))
	eta, _ = m.ETA()
	require.InDelta(t, 19, eta.Seconds(), 2, "19 MiB left at 1 MiB/s")

	m.Set(100 << 20)
	eta, ok = m.ETA()
	require.True(t, ok)
	require.Zero(t, eta)
	require.Equal(t, 40*time.Second, m.Elapsed())
}

func TestMeterWithoutTotalHasNoETA(t *testing.T) {
	c := newClock()
	m := progress.NewMeter(c.now, 0)
	c.advance(2 * time.Second)
	m.Add(10)
	_, ok := m.Rate()
	require.True(t, ok)
	_, ok = m.ETA()
	require.False(t, ok)
}

func part(stage, backup, artifact string, n int, bytes int64, last bool) messages.Event {
	return messages.PartDone{Ref: messages.Ref{Tenant: "acme", BackupID: backup}, Stage: stage, Part: n, Bytes: bytes,
		Artifact: artifact, Last: last}.Event()
}

// A backup of three parts: each stage's parts and bytes grow, the part
// count is known from the last exported part, and the ETA comes from the
// part-steps left (3 parts × 4 stages) at the measured pace.
func TestTrackerFollowsPartsThroughTheStages(t *testing.T) {
	c := newClock()
	tr := progress.NewTracker(c.now, 1)
	_, ok := tr.Observe(messages.Event{BackupID: "b1", Stage: messages.StageExport, Status: messages.StatusStarted})
	require.False(t, ok)

	var exported []int64
	for i := 0; i < 3; i++ {
		c.advance(2 * time.Second)
		st, ok := tr.Observe(part(messages.StageExport, "b1", "b1.a1", i, 32<<20, i == 2))
		require.True(t, ok)
		exported = append(exported, st.StageBytes)
		require.Equal(t, i+1, st.Done)
	}
	require.Equal(t, []int64{32 << 20, 64 << 20, 96 << 20}, exported)
	s := tr.Snapshot()
	require.Equal(t, 3, s.Parts)
	require.True(t, s.PartsKnown)
	require.Equal(t, int64(96<<20), s.Stage(messages.StageExport).Bytes)
	require.True(t, s.Stage(messages.StageExport).RateKnown)
	require.InDelta(t, float64(96<<20)/6, s.Stage(messages.StageExport).Rate, 1)
	// 3 steps in 6 s, 9 left: 18 s.
	require.True(t, s.ETAKnown)
	require.InDelta(t, 18, s.ETA.Seconds(), 0.01)

	// A redelivered encrypt job publishes its part again: counted once.
	c.advance(time.Second)
	_, ok = tr.Observe(part(messages.StageEncrypt, "b1", "b1.a1", 0, 20<<20, false))
	require.True(t, ok)
	_, ok = tr.Observe(part(messages.StageEncrypt, "b1", "b1.a1", 0, 20<<20, false))
	require.False(t, ok)
	require.Equal(t, 1, tr.Snapshot().Stage(messages.StageEncrypt).Parts)
	require.Equal(t, messages.StageEncrypt, tr.Snapshot().Latest)

	for _, stage := range []string{messages.StageEncrypt, messages.StageUpload, messages.StageVerify} {
		for i := 0; i < 3; i++ {
			c.advance(time.Second)
			tr.Observe(part(stage, "b1", "b1.a1", i, 20<<20, false))
		}
	}
	tr.Finished("b1", true)
	s = tr.Snapshot()
	require.Equal(t, 1, s.Finished)
	require.True(t, s.ETAKnown)
	require.Zero(t, s.ETA)
	require.Equal(t, 3, s.Stage(messages.StageVerify).Parts)
}

// An export retried after a crash is a new artifact: its parts replace the
// first attempt's, and late parts of the first attempt are ignored.
func TestTrackerRestartsOnANewExportAttempt(t *testing.T) {
	c := newClock()
	tr := progress.NewTracker(c.now, 1)
	tr.Observe(part(messages.StageExport, "b1", "b1.a1", 0, 10, false))
	tr.Observe(part(messages.StageExport, "b1", "b1.a1", 1, 10, false))
	tr.Observe(part(messages.StageEncrypt, "b1", "b1.a1", 0, 8, false))
	st, ok := tr.Observe(part(messages.StageExport, "b1", "b1.a2", 0, 12, false))
	require.True(t, ok)
	require.Equal(t, 1, st.Done)
	require.Equal(t, int64(12), st.StageBytes)
	_, ok = tr.Observe(part(messages.StageEncrypt, "b1", "b1.a1", 1, 8, false))
	require.False(t, ok, "a part of the abandoned attempt")
	require.Zero(t, tr.Snapshot().Stage(messages.StageEncrypt).Parts)
}

// While some export has not told its part count, a run of several
// backups estimates its ETA from the backups finished so far; the count an
// export's final event carries makes the parts known.
func TestTrackerETAFromFinishedBackups(t *testing.T) {
	c := newClock()
	tr := progress.NewTracker(c.now, 4)
	for i := 0; i < 4; i++ {
		tr.Observe(part(messages.StageExport, "b"+strconv.Itoa(i), "a"+strconv.Itoa(i), 0, 10, false))
	}
	c.advance(10 * time.Second)
	require.False(t, tr.Snapshot().ETAKnown)
	tr.Finished("b0", true)
	s := tr.Snapshot()
	require.True(t, s.ETAKnown)
	require.Equal(t, 30*time.Second, s.ETA)
	tr.Finished("b1", false)
	require.Equal(t, 1, tr.Snapshot().Failed)

	tr.Observe(messages.Event{BackupID: "b2", Stage: messages.StageExport, Status: messages.StatusSucceeded, Attrs: map[string]string{"parts": "1"}})
	tr.Observe(messages.Event{BackupID: "b3", Stage: messages.StageExport, Status: messages.StatusSucceeded, Attrs: map[string]string{"parts": "1"}})
	s = tr.Snapshot()
	require.False(t, s.PartsKnown, "b0 and b1 finished without telling their count")
	require.Equal(t, 2, s.Parts)
}

// While the export runs, an earlier backup's part count stands in for the
// unknown count: the ETA is known and marked estimated; the export's last
// part replaces the estimate with the count.
func TestTrackerEstimatesFromAnEarlierBackup(t *testing.T) {
	c := newClock()
	tr := progress.NewTracker(c.now, 1)
	tr.Expect("b1", 4)
	c.advance(2 * time.Second)
	tr.Observe(part(messages.StageExport, "b1", "a1", 0, 10, false))
	c.advance(2 * time.Second)
	tr.Observe(part(messages.StageExport, "b1", "a1", 1, 10, false))
	s := tr.Snapshot()
	require.False(t, s.PartsKnown)
	require.True(t, s.ETAKnown)
	require.True(t, s.ETAEstimated)
	// 2 steps in 4 s, 16 - 2 left: 28 s.
	require.InDelta(t, 28, s.ETA.Seconds(), 0.01)

	// More parts than the estimate: the estimate grows with the export.
	for i := 2; i < 6; i++ {
		c.advance(2 * time.Second)
		tr.Observe(part(messages.StageExport, "b1", "a1", i, 10, i == 5))
	}
	s = tr.Snapshot()
	require.True(t, s.PartsKnown)
	require.Equal(t, 6, s.Parts)
	require.False(t, s.ETAEstimated)
	// 6 steps in 12 s, 24 - 6 left: 36 s.
	require.InDelta(t, 36, s.ETA.Seconds(), 0.01)
}

// A further destination's copy is read back by the verifier too: its parts
// are not the backup's progress.
func TestTrackerIgnoresTheCopiesOfFurtherDestinations(t *testing.T) {
	c := newClock()
	tr := progress.NewTracker(c.now, 1)
	for i := 0; i < 2; i++ {
		tr.Observe(part(messages.StageExport, "b1", "b1.a1", i, 1<<20, i == 1))
	}
	copied := messages.PartDone{Ref: messages.Ref{BackupID: "b1"}, Stage: messages.StageVerify, Part: 0, Bytes: 1 << 20,
		Artifact: "b1.a1", Destination: "dr"}.Event()
	_, ok := tr.Observe(copied)
	require.False(t, ok)
	require.Zero(t, tr.Snapshot().Stage(messages.StageVerify).Parts)
	_, ok = tr.Observe(part(messages.StageVerify, "b1", "b1.a1", 0, 1<<20, false))
	require.True(t, ok, "the primary's part still counts")
}
