package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/progress"
)

// A report is a command's result: printed as JSON with --json, else as
// its WriteText, which lives beside the result's type in the package that
// owns it (a table, or lines).
type report interface{ WriteText(w io.Writer) }

// show prints r (emit).
func (a *app) show(r report) { a.emit(r, r.WriteText) }

// print is show for a command whose one call returns (r, err): err when
// the call failed, else r shown; a result with an Err method (a drill, a
// tenancy plan) then says with it whether the command failed.
func (a *app) print(r report, err error) error {
	if err != nil {
		return err
	}
	a.show(r)
	if c, ok := r.(interface{ Err() error }); ok {
		return c.Err()
	}
	return nil
}

// emit prints v as JSON with --json, or calls human otherwise.
func (a *app) emit(v any, human func(w io.Writer)) {
	if a.json {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(v)
		return
	}
	human(a.out)
}

// text is where the lines for people go: nowhere with --json.
func (a *app) text() io.Writer {
	if a.json {
		return io.Discard
	}
	return a.out
}

// refused reports the manifests or verifications a listing skipped, one
// line each on stderr; any makes the exit code 3.
func (a *app) refused(errs []error) error {
	for _, err := range errs {
		fmt.Fprintln(a.errOut, "arca: skipped:", OneLine(err))
	}
	if len(errs) > 0 {
		return exitError{code: 3, err: fmt.Errorf("%d manifests or verifications refused (listed above)", len(errs))}
	}
	return nil
}

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
