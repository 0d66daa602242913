package stack

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/texttable"
)

// Scope names a tenant's scope, of its keys or its backups: "default"
// for "", else "tenant ID".
func Scope(tenant string) string {
	if tenant == "" {
		return "default"
	}
	return "tenant " + tenant
}

// WriteText is the announced epoch and a row per running instance, as
// arca keys status prints them.
func (st KeyringStatus) WriteText(w io.Writer) {
	ann := st.Epoch
	change := ann.Change
	if change == "" {
		change = "nothing announced"
	}
	fmt.Fprintf(w, "keyring epoch %d (%s, %s), fingerprint %.12s\n", ann.N, change, ann.At.Format(time.RFC3339), ann.Fingerprint)
	t := texttable.New(w, "INSTANCE\tSERVICES\tEPOCH\tSTATE\tSEEN")
	for _, i := range st.Instances {
		t.Row(i.ID, strings.Join(i.Services, ","), i.Epoch, i.State(ann.N), i.At.Format(time.RFC3339))
	}
	t.Flush()
}

// Err is the instances behind the announced epoch, if any.
func (st KeyringStatus) Err() error {
	if st.Behind > 0 {
		return fmt.Errorf("%d of %d running instances hold an older keyring than epoch %d", st.Behind, len(st.Instances), st.Epoch.N)
	}
	return nil
}

// MarshalJSON is the runs, or with one run read, {"run", "jobs"}: what
// arca status --json prints.
func (st CatalogStatus) MarshalJSON() ([]byte, error) {
	if st.one {
		return json.Marshal(map[string]any{"run": st.Run, "jobs": st.Jobs})
	}
	return json.Marshal(st.Runs)
}

// WriteText is a row per run, or one run and a row per job with the
// error of each job that failed.
func (st CatalogStatus) WriteText(w io.Writer) {
	if !st.one {
		t := texttable.New(w, "RUN\tKIND\tTRIGGER\tSTATE\tSTARTED")
		for _, r := range st.Runs {
			t.Row(r.ID, r.Kind, r.Trigger, r.State, r.StartedAt.Format(time.RFC3339))
		}
		t.Flush()
		return
	}
	r := st.Run
	fmt.Fprintf(w, "run %s (%s, %s): %s\n", r.ID, r.Kind, r.Trigger, r.State)
	if r.Error != "" {
		fmt.Fprintf(w, "error: %s\n", r.Error)
	}
	t := texttable.New(w, "TENANT\tBACKUP\tSTATE\tBYTES\tERROR")
	for _, j := range st.Jobs {
		t.Row(j.Tenant, j.BackupID, j.State, texttable.Bytes(j.Bytes), texttable.FirstLine(j.Error))
	}
	t.Flush()
	for _, j := range st.Jobs {
		if j.Error != "" {
			fmt.Fprintf(w, "%s %s: %s\n", Scope(j.Tenant), j.BackupID, j.Error)
		}
	}
}

// WriteText is a row per bucket setting, then the policy files written.
func (res BucketInitResult) WriteText(w io.Writer) {
	t := texttable.New(w, "SETTING\tOUTCOME\tREQUIRED\tDETAIL")
	for _, r := range res.Results {
		t.Row(r.Setting, r.Outcome.Text(), r.Required, r.Detail)
	}
	t.Flush()
	for _, p := range res.Policies {
		fmt.Fprintln(w, "wrote", p)
	}
}

// Err is a setting that failed and is not optional, if any, with the flag
// that accepts it.
func (res BucketInitResult) Err() error {
	if err := res.Report.Err(); err != nil {
		return fmt.Errorf("%w (--optional to accept)", err)
	}
	return nil
}

// WriteText is the archive's age, gaps and forks, and each copy's missing
// objects.
func (c WALCheck) WriteText(w io.Writer) {
	fmt.Fprintf(w, "WAL archive: newest segment %s old, %d gaps, %d timeline forks\n",
		c.Age.Round(time.Second), len(c.Gaps), len(c.Forks))
	for _, cp := range c.Copies {
		fmt.Fprintf(w, "copy in %s: %d objects missing\n", cp.Destination, cp.Missing)
	}
}
