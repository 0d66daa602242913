package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/progress"
)

// status shows a long operation on stderr: on a terminal one line
// rewritten in place (at most every 100 ms); otherwise plain lines, when
// the stage changes or every plainEvery. Nothing with --json unless
// stderr is a terminal.
type status struct {
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

func (a *app) newProgress() *status {
	tty := isTerminal(a.errOut)
	return &status{w: a.errOut, tty: tty, off: a.json && !tty}
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
func (p *status) show(key, text string) {
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

// line prints text as a line of its own off a terminal, and as the
// progress line on one.
func (p *status) line(text string) {
	if p == nil || p.off {
		return
	}
	if p.tty {
		p.show(text, text)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.w, text)
	p.last, p.lastText = time.Now(), text
}

// done clears the terminal line.
func (p *status) done() {
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

// rateETA is "12.3 MiB/s, ETA 40s" from a meter of bytes.
func rateETA(m *progress.Meter) string {
	rate, ok := m.Rate()
	if !ok {
		return "…"
	}
	s := human(int64(rate)) + "/s"
	if eta, ok := m.ETA(); ok && m.Done() < m.Total() {
		s += ", ETA " + age(eta)
	}
	return s
}

// restoreReader reports restore progress as the sealed object is read:
// part n of N, bytes, rate, ETA.
type restoreReader struct {
	r     io.Reader
	p     *status
	m     backup.Manifest
	meter *progress.Meter
	stage string
}

func (a *app) restoreProgress(r io.Reader, m backup.Manifest, stage string) *restoreReader {
	return &restoreReader{r: r, p: a.newProgress(), m: m, meter: progress.NewMeter(time.Now, m.Object.Size), stage: stage}
}

func (rr *restoreReader) Read(b []byte) (int, error) {
	n, err := rr.r.Read(b)
	rr.meter.Add(int64(n))
	read := rr.meter.Done()
	part := len(rr.m.Object.Parts)
	for i, pt := range rr.m.Object.Parts {
		if read < pt.Offset+pt.Size {
			part = i + 1
			break
		}
	}
	// A change of part is a change of key: a plain line per part.
	rr.p.show(rr.stage+strconv.Itoa(part), fmt.Sprintf("%s %s: part %d/%d, %s of %s, %s, %s", rr.stage, rr.m.BackupID, part, len(rr.m.Object.Parts),
		human(read), human(rr.m.Object.Size), rateETA(rr.meter), age(rr.meter.Elapsed())))
	return n, err
}

func (rr *restoreReader) finish() { rr.p.done() }

// watchRestore shows the progress of each read of a restore.
func (a *app) watchRestore(r io.Reader, m backup.Manifest, phase string) (io.Reader, func()) {
	pr := a.restoreProgress(r, m, phase)
	return pr, pr.finish
}

// backupProgress follows backup --wait from the events (pkg/progress
// keeps the counts): per stage the parts done, the bytes exported, the
// rate of the latest stage, an ETA. Off a terminal each part a stage
// finishes is a line of its own.
type backupProgress struct {
	p  *status
	tr *progress.Tracker
}

// backupProgress follows total backups; expect estimates part counts by
// backup id (earlierParts).
func (a *app) backupProgress(total int, expect map[string]int) *backupProgress {
	tr := progress.NewTracker(time.Now, total)
	for id, n := range expect {
		tr.Expect(id, n)
	}
	return &backupProgress{p: a.newProgress(), tr: tr}
}

// earlierParts estimates each backup's part count from the newest export
// of the same tenant and kind still in EVENTS, so that an ETA shows while
// the export runs. Best effort: what is not found is not estimated.
func earlierParts(ctx context.Context, js jetstream.JetStream, kind messages.Kind, order []*outcome) map[string]int {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	stream, err := js.Stream(ctx, messages.StreamEvents)
	if err != nil {
		return nil
	}
	out := map[string]int{}
	for _, o := range order {
		msg, err := stream.GetLastMsgForSubject(ctx, messages.TenantEventFilter(o.Tenant, messages.StageExport, messages.StatusSucceeded))
		if err != nil {
			continue
		}
		e, err := messages.Decode[messages.Event](msg.Data)
		if err != nil || e.Kind != kind || e.BackupID == o.BackupID {
			continue
		}
		if n, err := strconv.Atoi(e.Attrs["parts"]); err == nil && n > 0 {
			out[o.BackupID] = n
		}
	}
	return out
}

func (b *backupProgress) observe(e messages.Event) {
	step, ok := b.tr.Observe(e)
	if ok && !b.p.tty {
		b.p.line(stepLine(step, b.tr.Snapshot()))
		return
	}
	b.render()
}

func (b *backupProgress) outcome(o *outcome) {
	b.tr.Finished(o.BackupID, o.Status == "verified")
	b.render()
}

func (b *backupProgress) render() {
	s := b.tr.Snapshot()
	line := fmt.Sprintf("backups %d/%d done", s.Finished, s.Backups)
	if s.Failed > 0 {
		line += fmt.Sprintf(" (%d not verified)", s.Failed)
	}
	if s.Latest != "" {
		line += " · " + stageCounts(s)
		if st := s.Stage(s.Latest); st.RateKnown {
			line += fmt.Sprintf(" · %s %s/s", s.Latest, human(int64(st.Rate)))
		}
	}
	if s.ETAKnown && s.Finished < s.Backups {
		line += " · ETA " + eta(s)
	}
	line += " · " + age(s.Elapsed)
	// Plain lines: a new one when a backup finishes, else every plainEvery.
	b.p.show(strconv.Itoa(s.Finished), line)
}

// stageCounts is "export 3/3 (96.0 MiB) · encrypt 2/3 · upload 1/3 · verify 0/3".
func stageCounts(s progress.Snapshot) string {
	of := ""
	if s.PartsKnown {
		of = "/" + strconv.Itoa(s.Parts)
	}
	var parts []string
	for _, st := range s.Stages {
		p := fmt.Sprintf("%s %d%s", st.Stage, st.Parts, of)
		if st.Stage == messages.StageExport {
			p += " (" + human(st.Bytes) + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " · ")
}

// stepLine is one part done by one stage: how many of the backup's parts
// the stage has done (parts move through a stage concurrently, so the part
// just done need not be the highest), its bytes so far, the stage's rate,
// the run's ETA and time so far:
// "acme b1: upload 2/3 parts, 64.0 MiB uploaded (part 3), 12.0 MiB/s, ETA 18s, 6s".
func stepLine(st progress.Step, s progress.Snapshot) string {
	of := "?"
	if st.Parts > 0 {
		of = strconv.Itoa(st.Parts)
	}
	who := st.Tenant
	if who == "" {
		who = string(st.Kind) // a full backup: the whole database
	}
	line := fmt.Sprintf("%s %s: %s %d/%s parts, %s %s (part %d)", who, st.BackupID, st.Stage, st.Done, of,
		human(st.StageBytes), pastTense[st.Stage], st.Part+1)
	if r := s.Stage(st.Stage); r.RateKnown {
		line += ", " + human(int64(r.Rate)) + "/s"
	}
	if s.ETAKnown {
		line += ", ETA " + eta(s)
	}
	return line + ", " + age(s.Elapsed)
}

// eta is "40s", or "~40s" while it stands on an earlier backup's size.
func eta(s progress.Snapshot) string {
	if s.ETAEstimated {
		return "~" + age(s.ETA)
	}
	return age(s.ETA)
}

var pastTense = map[string]string{
	messages.StageExport: "exported", messages.StageEncrypt: "sealed",
	messages.StageUpload: "uploaded", messages.StageVerify: "verified",
}

func (b *backupProgress) done() { b.p.done() }
