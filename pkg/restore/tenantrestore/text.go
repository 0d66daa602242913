package tenantrestore

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// MarshalJSON is the point-in-time restore's result, or the logical
// restore's (arca restore tenant --json).
func (r Result) MarshalJSON() ([]byte, error) {
	if r.PITR != nil {
		return json.Marshal(r.PITR)
	}
	return json.Marshal(r.Tenant)
}

// WriteText is the point-in-time restore's text, or the logical
// restore's, after why a point in time was not restored and what was
// restored instead.
func (r Result) WriteText(w io.Writer) {
	if r.PITR != nil {
		r.PITR.WriteText(w)
		return
	}
	if r.NotCovered != "" {
		fmt.Fprintf(w, "no point-in-time restore: %s\n", r.NotCovered)
		fmt.Fprintf(w, "restored the newest logical export at or before %s instead, taken at %s: the tenant's changes after that are not restored\n",
			r.At.Format(time.RFC3339Nano), r.Backup.Manifest.CreatedAt.UTC().Format(time.RFC3339))
	}
	r.Tenant.WriteText(w)
}
