package progress

import (
	"strconv"
	"time"

	"github.com/arcabackup/arca/pkg/messages"
)

// Backups shows a run of backups on a Line from their events (a Tracker
// keeps the counts): per stage the parts done, the bytes exported, the
// rate of the latest stage, an ETA. Off a terminal each part a stage
// finishes is a line of its own.
type Backups struct {
	line *Line
	tr   *Tracker
}

// NewBackups follows total backups on line; expect estimates part counts
// by backup id (EarlierParts), so that an ETA shows while exports run.
func NewBackups(line *Line, now func() time.Time, total int, expect map[string]int) *Backups {
	tr := NewTracker(now, total)
	for id, n := range expect {
		tr.Expect(id, n)
	}
	return &Backups{line: line, tr: tr}
}

// Observe takes one event of the run.
func (b *Backups) Observe(e messages.Event) {
	step, ok := b.tr.Observe(e)
	if ok && !b.line.TTY() {
		b.line.Print(StepLine(step, b.tr.Snapshot()))
		return
	}
	b.Render()
}

// Finished records a backup's outcome.
func (b *Backups) Finished(backupID string, verified bool) {
	b.tr.Finished(backupID, verified)
	b.Render()
}

// Render shows the summary line; off a terminal a new plain line when a
// backup finishes, else every PlainEvery.
func (b *Backups) Render() {
	s := b.tr.Snapshot()
	b.line.Show(strconv.Itoa(s.Finished), Summary(s))
}

// Done clears the terminal line.
func (b *Backups) Done() { b.line.Clear() }
