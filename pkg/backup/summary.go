package backup

import (
	"sort"
	"time"
)

// Verification statuses of an Entry.
const (
	StatusVerified = "verified"
	StatusFailed   = "failed"
	StatusPending  = "pending" // not verified yet
	StatusRefused  = "refused" // verified.json exists but was refused
)

// Status is how the backup's verification stands.
func (e Entry) Status() string {
	switch {
	case e.VerificationErr != nil:
		return StatusRefused
	case e.Verification == nil:
		return StatusPending
	case e.Verification.Verified:
		return StatusVerified
	}
	return StatusFailed
}

// Summary is the backups of one tenant and kind: how many, the newest and
// oldest, and how their verification stands (a refused verification
// counts as failed).
type Summary struct {
	Tenant       string    `json:"tenant,omitempty"`
	Kind         string    `json:"kind"`
	Backups      int       `json:"backups"`
	Newest       string    `json:"newest_backup_id"`
	NewestAt     time.Time `json:"newest_at"`
	NewestAge    float64   `json:"newest_age_seconds"`
	NewestStatus string    `json:"newest_verification"` // verified, failed, pending
	OldestAt     time.Time `json:"oldest_at"`
	Verified     int       `json:"verified"`
	Failed       int       `json:"failed"`
	Pending      int       `json:"pending"`
	StoredBytes  int64     `json:"stored_bytes"`
	// Destination is the store the row is about (arca info reads each).
	Destination string `json:"destination,omitempty"`
	// Missing counts the backups of the tenant and kind that the primary
	// holds and this further destination does not (SummarizeCopy).
	Missing int `json:"missing,omitempty"`
}

// Summarize sums the backups up per tenant and kind: tenant backups first,
// then full, then base, each by tenant. Ages are taken at now.
func Summarize(entries []Entry, now time.Time) []Summary {
	byKey := map[[2]string]*Summary{}
	for _, e := range entries {
		m := e.Manifest
		r := byKey[[2]string{m.Tenant, m.Kind}]
		if r == nil {
			r = &Summary{Tenant: m.Tenant, Kind: m.Kind}
			byKey[[2]string{m.Tenant, m.Kind}] = r
		}
		status := e.Status()
		switch status {
		case StatusVerified:
			r.Verified++
		case StatusPending:
			r.Pending++
		default:
			status = StatusFailed
			r.Failed++
		}
		r.Backups++
		r.StoredBytes += m.Object.Size
		if r.Newest == "" || m.CreatedAt.After(r.NewestAt) {
			r.Newest, r.NewestAt, r.NewestStatus = m.BackupID, m.CreatedAt.UTC(), status
			r.NewestAge = now.Sub(m.CreatedAt).Round(time.Second).Seconds()
		}
		if r.OldestAt.IsZero() || m.CreatedAt.Before(r.OldestAt) {
			r.OldestAt = m.CreatedAt.UTC()
		}
	}
	out := make([]Summary, 0, len(byKey))
	for _, r := range byKey {
		out = append(out, *r)
	}
	sortSummaries(out)
	return out
}

// sortSummaries orders rows tenant, full, then base, each by tenant.
func sortSummaries(out []Summary) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind > out[j].Kind // tenant, full, base
		}
		return out[i].Tenant < out[j].Tenant
	})
}

// SummarizeCopy is Summarize of a further destination's entries, with
// Missing counted against the primary's: each backup of a kind the
// destination takes that the primary holds and it does not. A tenant and
// kind the destination lacks altogether gets a row of its own (no
// backups, all missing), so a copy that never arrived shows.
func SummarizeCopy(entries, primary []Entry, takes func(kind string) bool, now time.Time) []Summary {
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Manifest.BackupID] = true
	}
	missing := map[[2]string]int{}
	for _, e := range primary {
		m := e.Manifest
		if takes(m.Kind) && !have[m.BackupID] {
			missing[[2]string{m.Tenant, m.Kind}]++
		}
	}
	out := Summarize(entries, now)
	for i := range out {
		k := [2]string{out[i].Tenant, out[i].Kind}
		out[i].Missing = missing[k]
		delete(missing, k)
	}
	for k, n := range missing {
		out = append(out, Summary{Tenant: k[0], Kind: k[1], Missing: n, NewestStatus: "missing"})
	}
	sortSummaries(out)
	return out
}
