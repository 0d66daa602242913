package tenantpitr

import (
	"fmt"
	"io"
	"time"
)

// WriteText is a tenant point-in-time restore as arca restore tenant
// prints it: the recovery, the rows restored, and the time of each step.
func (res Result) WriteText(w io.Writer) {
	fmt.Fprintf(w, "restored tenant %s as of %s (%s) by point-in-time recovery: "+
		"base backup %s, WAL replayed to the last commit at or before it (%s)\n",
		res.Tenant, res.At.Format(time.RFC3339Nano), res.Restore.Mode, res.BaseBackup, recoveredTo(res.RecoveredTo))
	res.Restore.WriteRows(w)
	fmt.Fprintf(w, "RTO %s:", res.RTO.Round(time.Millisecond))
	for _, s := range res.Steps {
		fmt.Fprintf(w, " %s %s;", s.Name, s.Duration.Round(time.Millisecond))
	}
	fmt.Fprintf(w, " scratch cluster removed: %t\n", res.ScratchRemoved)
}

// WriteProgress is the line of a step as it starts (Duration 0) and as it
// ends.
func (s Step) WriteProgress(w io.Writer) {
	if s.Duration == 0 {
		fmt.Fprintf(w, "tenant pitr: %s...\n", s.Name)
		return
	}
	fmt.Fprintf(w, "tenant pitr: %s done in %s %s\n", s.Name, s.Duration.Round(time.Millisecond), s.Detail)
}

func recoveredTo(t time.Time) string {
	if t.IsZero() {
		return "no transaction after the base backup"
	}
	return "last commit " + t.UTC().Format(time.RFC3339Nano)
}
