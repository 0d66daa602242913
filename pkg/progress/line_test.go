package progress

import (
	"bytes"
	"testing"
	"time"
)

// On a terminal the progress line is rewritten in place and cleared at the
// end; otherwise each change of stage is a plain line and repeats within
// PlainEvery are dropped; an off line prints nothing.
func TestLineTerminalPlainAndOff(t *testing.T) {
	at := time.Date(2026, 11, 29, 21, 0, 0, 0, time.UTC)
	clock := func() time.Time { return at }

	var tty bytes.Buffer
	p := NewLine(&tty, true, false)
	p.now = clock
	p.Show("export", "export 1")
	at = at.Add(time.Millisecond)
	p.Show("upload", "upload 2")
	p.Clear()
	if got, want := tty.String(), "\r\033[Kexport 1\r\033[Kupload 2\r\033[K"; got != want {
		t.Fatalf("terminal output %q, want %q", got, want)
	}

	var plain bytes.Buffer
	p = NewLine(&plain, false, false)
	p.now = clock
	p.Show("export", "export 1")
	at = at.Add(time.Second)
	p.Show("export", "export 2") // same stage within PlainEvery: dropped
	p.Show("upload", "upload 3")
	at = at.Add(PlainEvery)
	p.Show("upload", "upload 4") // same stage after PlainEvery: shown
	p.Print("a line of its own")
	p.Clear()
	if got, want := plain.String(), "export 1\nupload 3\nupload 4\na line of its own\n"; got != want {
		t.Fatalf("plain output %q, want %q", got, want)
	}

	var off bytes.Buffer
	p = NewLine(&off, false, true)
	p.Show("export", "x")
	p.Print("y")
	var nilLine *Line
	nilLine.Show("export", "z")
	if off.Len() != 0 {
		t.Fatalf("an off line printed %q", off.String())
	}
}
