package backup

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Row is one backup as a listing shows it (arca list).
type Row struct {
	BackupID   string    `json:"backup_id"`
	Kind       string    `json:"kind"`
	Tenant     string    `json:"tenant,omitempty"`
	Created    time.Time `json:"created_at"`
	Bytes      int64     `json:"bytes"`
	PlainBytes int64     `json:"plain_bytes"`
	Verified   *bool     `json:"verified"`     // null: not verified yet, or refused
	Status     string    `json:"verification"` // verified, failed, pending, refused
	Manifest   string    `json:"manifest_key"`
}

// Rows are backups as a listing shows them.
type Rows []Row

// VerifiedText is the verification in one word: true, false, pending or
// refused.
func (r Row) VerifiedText() string {
	if r.Verified != nil {
		return fmt.Sprint(*r.Verified)
	}
	return r.Status
}

// Rows are the listing's backups, newest created first across kinds
// (whatever folder each came from), and every refusal: the manifests
// refused, then the verifications refused (such a backup is listed,
// "refused").
func (l Listing) Rows() (Rows, []error) {
	all := append([]Entry(nil), l.Backups...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Manifest.CreatedAt.After(all[j].Manifest.CreatedAt) })
	refused := append([]error(nil), l.Refused...)
	var rows Rows // nil when there is none: JSON null, as arca list has always printed
	for _, e := range all {
		var verified *bool
		if e.VerificationErr != nil {
			refused = append(refused, e.VerificationErr)
		} else if e.Verification != nil {
			verified = &e.Verification.Verified
		}
		m := e.Manifest
		rows = append(rows, Row{m.BackupID, m.Kind, m.Tenant, m.CreatedAt.UTC(), m.Object.Size, m.PlainSize, verified, e.Status(), e.Key})
	}
	return rows, refused
}

// ListTenant is List of one tenant's folder, or of every folder when
// tenant is empty.
func (r Repository) ListTenant(ctx context.Context, tenant string) (Listing, error) {
	if tenant != "" {
		return r.List(ctx, r.Layout.TenantPrefix(tenant))
	}
	return r.List(ctx)
}
