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
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind > out[j].Kind // tenant, full, base
		}
		return out[i].Tenant < out[j].Tenant
	})
	return out
}
