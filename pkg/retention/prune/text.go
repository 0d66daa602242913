package prune

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/texttable"
)

// WriteText is the report as arca prune prints it: a line per backup
// decided, per manifest skipped and per multipart upload, then the counts.
func (rep Report) WriteText(w io.Writer) {
	for _, d := range rep.Deletions {
		fmt.Fprintf(w, "%-12s %s %s %s: %v\n", d.Outcome, d.Kind, d.Tenant, d.BackupID, d.Reasons)
	}
	for _, pr := range rep.Problems {
		fmt.Fprintf(w, "%-12s %s: %s\n", "skipped", pr.Key, messages.OneLine(errors.New(pr.Error)))
	}
	for _, u := range rep.Uploads {
		fmt.Fprintf(w, "%-12s upload %s (%s, initiated %s)", u.Outcome, u.Key, u.Reason, u.Initiated.UTC().Format(time.RFC3339))
		if u.Error != "" {
			fmt.Fprintf(w, ": %s", u.Error)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d multipart uploads that can never complete; %d of backups in progress left alone\n", len(rep.Uploads), rep.UploadsKept)
	fmt.Fprintf(w, "%d backups: %d kept, %d deleted, %d locked, %d failed; %s freed (dry run: %v)\n",
		rep.Backups, rep.Kept, rep.Deleted, rep.Locked, rep.Failed, texttable.Bytes(rep.BytesFreed), rep.DryRun)
}

// Reports are the reports of the destinations pruned (RunEach), as arca
// prune prints them.
type Reports struct {
	Runs []DestinationReport
	// PerDestination: more than one destination is configured, so each
	// report names its own. With one, JSON is that report alone.
	PerDestination bool
}

// MarshalJSON is the one report with one destination, else every one.
func (r Reports) MarshalJSON() ([]byte, error) {
	if !r.PerDestination && len(r.Runs) == 1 {
		return json.Marshal(r.Runs[0].Report)
	}
	return json.Marshal(r.Runs)
}

// WriteText is each report, under its destination's name when there are
// several.
func (r Reports) WriteText(w io.Writer) {
	for _, run := range r.Runs {
		if r.PerDestination {
			fmt.Fprintf(w, "destination %s:\n", run.Destination)
		}
		run.Report.WriteText(w)
	}
}
