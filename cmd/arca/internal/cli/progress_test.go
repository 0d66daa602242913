package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// On a terminal the progress line is rewritten in place and cleared at the
// end; otherwise each change of stage is a plain line and repeats within
// plainEvery are dropped.
func TestProgressTerminalAndPlain(t *testing.T) {
	var tty bytes.Buffer
	p := &progress{w: &tty, tty: true}
	p.show("export", "export 1")
	p.show("upload", "upload 2")
	p.done()
	if got, want := tty.String(), "\r\033[Kexport 1\r\033[Kupload 2\r\033[K"; got != want {
		t.Fatalf("terminal output %q, want %q", got, want)
	}

	var plain bytes.Buffer
	p = &progress{w: &plain}
	p.show("export", "export 1")
	p.show("export", "export 2") // same stage within plainEvery: dropped
	p.show("upload", "upload 3")
	p.done()
	if got, want := plain.String(), "export 1\nupload 3\n"; got != want {
		t.Fatalf("plain output %q, want %q", got, want)
	}

	var off bytes.Buffer
	p = &progress{w: &off, off: true}
	p.show("export", "x")
	if off.Len() != 0 {
		t.Fatalf("--json without a terminal printed %q", off.String())
	}
}

func TestRateAndETA(t *testing.T) {
	if got := rateETA(50<<20, 100<<20, 10*time.Second); got != "5.0 MiB/s, ETA 10s" {
		t.Fatalf("got %q", got)
	}
	if got := rateETA(0, 100, 10*time.Second); got != "…" {
		t.Fatalf("got %q", got)
	}
	if got := age(26*time.Hour + 5*time.Minute); !strings.HasPrefix(got, "26h05m") {
		t.Fatalf("age %q", got)
	}
}
