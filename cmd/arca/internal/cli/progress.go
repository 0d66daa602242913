package cli

import (
	"io"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/progress"
)

// newProgress is the progress line on stderr (pkg/progress.Line): nothing
// with --json unless stderr is a terminal.
func (a *app) newProgress() *progress.Line {
	tty := progress.IsTerminal(a.errOut)
	return progress.NewLine(a.errOut, tty, a.json && !tty)
}

// watchRestore shows the progress of each read of a restore.
func (a *app) watchRestore(r io.Reader, m backup.Manifest, phase string) (io.Reader, func()) {
	pr := progress.NewReader(r, a.newProgress(), m, phase, time.Now)
	return pr, pr.Finish
}
