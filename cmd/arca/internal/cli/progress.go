package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
)

// progress shows a long operation on stderr: on a terminal one line
// rewritten in place (at most every 100 ms); otherwise plain lines, when
// the stage changes or every plainEvery. Nothing with --json unless
// stderr is a terminal.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	off      bool
	last     time.Time
	lastText string
	lastKey  string
	shown    bool
}

const plainEvery = 10 * time.Second

func (a *app) newProgress() *progress {
	tty := isTerminal(a.errOut)
	return &progress{w: a.errOut, tty: tty, off: a.json && !tty}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// show prints text; key names the stage: a change of key always prints a
// plain line.
func (p *progress) show(key, text string) {
	if p == nil || p.off {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.tty {
		if now.Sub(p.last) < 100*time.Millisecond && key == p.lastKey {
			return
		}
		fmt.Fprintf(p.w, "\r\033[K%s", text)
		p.shown = true
	} else {
		if text == p.lastText || (key == p.lastKey && now.Sub(p.last) < plainEvery) {
			return
		}
		fmt.Fprintln(p.w, text)
	}
	p.last, p.lastText, p.lastKey = now, text, key
}

// done clears the terminal line.
func (p *progress) done() {
	if p == nil || p.off {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

// rateETA is "12.3 MiB/s, ETA 40s" for done of total bytes since start.
func rateETA(done, total int64, elapsed time.Duration) string {
	if elapsed < time.Second || done <= 0 {
		return "…"
	}
	rate := float64(done) / elapsed.Seconds()
	s := human(int64(rate)) + "/s"
	if total > done {
		s += ", ETA " + age(time.Duration(float64(total-done)/rate*float64(time.Second)))
	}
	return s
}

// restoreReader reports restore progress as the sealed object is read:
// part n of N, bytes, rate, ETA.
type restoreReader struct {
	r     io.Reader
	p     *progress
	m     backup.Manifest
	start time.Time
	read  int64
	stage string
}

func (a *app) restoreProgress(r io.Reader, m backup.Manifest, stage string) *restoreReader {
	return &restoreReader{r: r, p: a.newProgress(), m: m, start: time.Now(), stage: stage}
}

func (rr *restoreReader) Read(b []byte) (int, error) {
	n, err := rr.r.Read(b)
	rr.read += int64(n)
	part := len(rr.m.Object.Parts)
	for i, pt := range rr.m.Object.Parts {
		if rr.read < pt.Offset+pt.Size {
			part = i + 1
			break
		}
	}
	rr.p.show(rr.stage, fmt.Sprintf("%s %s: part %d/%d, %s of %s, %s, %s", rr.stage, rr.m.BackupID, part, len(rr.m.Object.Parts),
		human(rr.read), human(rr.m.Object.Size), rateETA(rr.read, rr.m.Object.Size, time.Since(rr.start)), age(time.Since(rr.start))))
	return n, err
}

func (rr *restoreReader) finish() { rr.p.done() }

// readCloser reads from r, closes c, then runs after.
type readCloser struct {
	r     io.Reader
	c     io.Closer
	after func()
}

func (rc readCloser) Read(b []byte) (int, error) { return rc.r.Read(b) }
func (rc readCloser) Close() error               { rc.after(); return rc.c.Close() }

// backupProgress follows backup --wait from the events: how many are
// verified, the stage the latest event reports, bytes exported, rate, ETA.
type backupProgress struct {
	p        *progress
	start    time.Time
	total    int
	finished int
	failed   int
	latest   string
	exported int64
	parts    int
}

func (a *app) backupProgress(total int, start time.Time) *backupProgress {
	return &backupProgress{p: a.newProgress(), start: start, total: total}
}

func (b *backupProgress) observe(e messages.Event) {
	what := e.Stage + " " + string(e.Status)
	if e.Tenant != "" {
		what = e.Tenant + ": " + what
	}
	b.latest = what
	if e.Stage == messages.StageExport && e.Status == messages.StatusSucceeded && e.Part == nil {
		b.exported += e.Bytes
		n, _ := strconv.Atoi(e.Attrs["parts"])
		b.parts += n
	}
	b.render()
}

func (b *backupProgress) outcome(o *outcome) {
	b.finished++
	if o.Status != "verified" {
		b.failed++
	}
	b.render()
}

func (b *backupProgress) render() {
	elapsed := time.Since(b.start)
	line := fmt.Sprintf("backups %d/%d done", b.finished, b.total)
	if b.failed > 0 {
		line += fmt.Sprintf(" (%d not verified)", b.failed)
	}
	if b.latest != "" {
		line += " · " + b.latest
	}
	if b.exported > 0 {
		line += fmt.Sprintf(" · exported %d parts, %s, %s/s", b.parts, human(b.exported), human(int64(float64(b.exported)/max(elapsed.Seconds(), 1))))
	}
	if b.finished > 0 && b.finished < b.total {
		line += " · ETA " + age(elapsed/time.Duration(b.finished)*time.Duration(b.total-b.finished))
	}
	line += " · " + age(elapsed)
	key := b.latest
	if b.total > 1 {
		key = strconv.Itoa(b.finished)
	}
	b.p.show(key, line)
}

func (b *backupProgress) done() { b.p.done() }
