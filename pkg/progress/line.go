package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// PlainEvery is how often a plain line repeats a stage that has not
// changed.
const PlainEvery = 10 * time.Second

// Line shows a long operation on a writer (stderr): on a terminal one line
// rewritten in place (at most every 100 ms); otherwise plain lines, when
// the stage changes or every PlainEvery. An Off line prints nothing (--json
// with stderr not a terminal). Safe for concurrent use; a nil *Line is off.
type Line struct {
	mu       sync.Mutex
	w        io.Writer
	tty, off bool
	now      func() time.Time
	last     time.Time
	lastText string
	lastKey  string
	shown    bool
}

// NewLine writes to w: in place when tty, not at all when off.
func NewLine(w io.Writer, tty, off bool) *Line {
	return &Line{w: w, tty: tty, off: off, now: time.Now}
}

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// TTY reports whether the line is rewritten in place.
func (p *Line) TTY() bool { return p != nil && p.tty }

// Show prints text; key names the stage: a change of key always prints a
// plain line.
func (p *Line) Show(key, text string) {
	if p == nil || p.off {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.tty {
		if now.Sub(p.last) < 100*time.Millisecond && key == p.lastKey {
			return
		}
		fmt.Fprintf(p.w, "\r\033[K%s", text)
		p.shown = true
	} else {
		if text == p.lastText || (key == p.lastKey && now.Sub(p.last) < PlainEvery) {
			return
		}
		fmt.Fprintln(p.w, text)
	}
	p.last, p.lastText, p.lastKey = now, text, key
}

// Print prints text as a line of its own off a terminal, and as the
// progress line on one.
func (p *Line) Print(text string) {
	if p == nil || p.off {
		return
	}
	if p.tty {
		p.Show(text, text)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.w, text)
	p.last, p.lastText = p.now(), text
}

// Clear clears the terminal line.
func (p *Line) Clear() {
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
