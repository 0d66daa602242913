package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/progress"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal"
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
		_ = a.printJSON(v)
		return
	}
	human(a.out)
}

// printJSON prints v as indented JSON.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
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
		fmt.Fprintln(a.errOut, "arca: skipped:", messages.OneLine(err))
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

// exitError carries an exit code a caller (PostgreSQL) depends on.
type exitError struct {
	code  int
	err   error
	quiet bool // nothing on stderr (a missing segment at the end of recovery)
}

func (e exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e exitError) Unwrap() error { return e.err }

// exitCode is err with the exit code a caller (PostgreSQL) depends on;
// nil when the code is 0.
func exitCode(code int, err error, quiet bool) error {
	if code == 0 {
		return nil
	}
	return exitError{code: code, err: err, quiet: quiet}
}

type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// usage is err, as a usage error (exit 2) when it is a configuration or
// choice a package refused: a stack.ConfigError, or one of refusals.
func usage(err error, refusals ...error) error {
	var ce stack.ConfigError
	if errors.As(err, &ce) {
		return usageError{ce.Err}
	}
	for _, r := range refusals {
		if errors.Is(err, r) {
			return usageError{err}
		}
	}
	return err
}

// isUsage recognises cobra's own argument and flag errors.
func isUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires ", "invalid argument", "flag needs", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// ExitCode maps an error to the process exit code.
func ExitCode(err error) int {
	var u usageError
	var f *verify.Failure
	var x exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &x):
		return x.code
	case errors.As(err, &u):
		return 2
	case errors.As(err, new(*backup.OpenError)) && seal.Malformed(err):
		return 2 // decrypt: not a sealed artifact
	case errors.As(err, new(*backup.OpenError)) && seal.Unauthentic(err):
		return 3 // decrypt: it failed authentication
	case errors.As(err, &f) && f.Damaged():
		return 3
	case errors.As(err, new(*backup.MetadataError)):
		return 3 // a manifest or verification refused: nothing was used
	}
	return 1
}

// Quiet reports whether the error is expected and wants no message.
func Quiet(err error) bool {
	var x exitError
	return errors.As(err, &x) && x.quiet
}

// cleanUsage turns cobra's multi-line suggestion ("unknown command \"lst\"
// for \"arca\"\n\nDid you mean this?\n\tlist\n") into one line:
// unknown command "lst" for "arca" (did you mean list?).
func cleanUsage(err error) error {
	msg := err.Error()
	head, rest, ok := strings.Cut(msg, "\n\nDid you mean this?\n")
	if !ok {
		return err
	}
	var names []string
	for _, l := range strings.Split(rest, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			names = append(names, l)
		}
	}
	if len(names) == 0 {
		return errors.New(head)
	}
	return errors.New(head + " (did you mean " + strings.Join(names, " or ") + "?)")
}
