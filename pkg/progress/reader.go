package progress

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/texttable"
)

// Reader shows the progress of reading one sealed object as it is read:
// part n of N, bytes, rate, ETA, on a Line. A change of part is a plain
// line of its own off a terminal.
type Reader struct {
	r     io.Reader
	line  *Line
	m     backup.Manifest
	meter *Meter
	stage string
}

// NewReader wraps r, the object of m, read for stage ("restore").
func NewReader(r io.Reader, line *Line, m backup.Manifest, stage string, now func() time.Time) *Reader {
	return &Reader{r: r, line: line, m: m, meter: NewMeter(now, m.Object.Size), stage: stage}
}

// Watch shows each read of a restore (restore.Watch's shape) on a Line
// of its own from newLine, with the wall clock: the reader, and Finish
// to call when the read is done.
func Watch(newLine func() *Line) func(r io.Reader, m backup.Manifest, stage string) (io.Reader, func()) {
	return func(r io.Reader, m backup.Manifest, stage string) (io.Reader, func()) {
		rr := NewReader(r, newLine(), m, stage, time.Now)
		return rr, rr.Finish
	}
}

func (rr *Reader) Read(b []byte) (int, error) {
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
	rr.line.Show(rr.stage+strconv.Itoa(part), fmt.Sprintf("%s %s: part %d/%d, %s of %s, %s, %s", rr.stage, rr.m.BackupID, part, len(rr.m.Object.Parts),
		texttable.Bytes(read), texttable.Bytes(rr.m.Object.Size), RateETA(rr.meter), texttable.Age(rr.meter.Elapsed())))
	return n, err
}

// Finish clears the terminal line.
func (rr *Reader) Finish() { rr.line.Clear() }
