package drill

import (
	"fmt"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/restore/fingerprint"
)

// Report is the outcome of one drill. It holds names, counts and digests,
// never row data.
type Report struct {
	StartedAt  time.Time      `json:"started_at"`
	FinishedAt time.Time      `json:"finished_at"`
	Passed     bool           `json:"passed"`
	Tenants    []TenantReport `json:"tenants"`
}

// TenantReport is one tenant's restore in the drill.
type TenantReport struct {
	Tenant   string `json:"tenant"`
	BackupID string `json:"backup_id,omitempty"`
	Passed   bool   `json:"passed"`
	// Reason says why it failed; Stage, Part and File locate a backup
	// that failed verification.
	Reason string `json:"reason,omitempty"`
	Stage  string `json:"stage,omitempty"`
	Part   *int   `json:"part,omitempty"`
	File   string `json:"file,omitempty"`
	// RTO is the measured restore time: open, verify and load, until
	// commit.
	RTO        time.Duration `json:"rto_ns"`
	RTOSeconds float64       `json:"rto_seconds"`
	PlainBytes int64         `json:"plain_bytes"`
	Tables     []TableCheck  `json:"tables,omitempty"`
	Smoke      []SmokeResult `json:"smoke,omitempty"`
	Warnings   []string      `json:"warnings,omitempty"`
}

// TableCheck compares one restored table with the manifest.
type TableCheck struct {
	Schema      string                  `json:"schema"`
	Name        string                  `json:"name"`
	Want        int64                   `json:"want_rows"`
	Got         int64                   `json:"got_rows"`
	Fingerprint fingerprint.Fingerprint `json:"fingerprint"`
	OK          bool                    `json:"ok"`
}

// SmokeResult is one smoke query's outcome.
type SmokeResult struct {
	Name  string `json:"name"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// Summary is a readable account of the drill, one line per tenant.
func (r Report) Summary() string {
	var b strings.Builder
	verdict := "PASSED"
	if !r.Passed {
		verdict = "FAILED"
	}
	passed := 0
	for _, t := range r.Tenants {
		if t.Passed {
			passed++
		}
	}
	fmt.Fprintf(&b, "restore drill %s: %d/%d tenants restored and checked in %s\n", verdict, passed, len(r.Tenants),
		r.FinishedAt.Sub(r.StartedAt).Round(time.Millisecond))
	for _, t := range r.Tenants {
		if t.Passed {
			fmt.Fprintf(&b, "  ok    tenant %s backup %s: %d tables, %d bytes, RTO %s\n", t.Tenant, t.BackupID,
				len(t.Tables), t.PlainBytes, t.RTO.Round(time.Millisecond))
			continue
		}
		fmt.Fprintf(&b, "  FAIL  tenant %s backup %s: %s\n", t.Tenant, t.BackupID, t.Reason)
	}
	return b.String()
}
