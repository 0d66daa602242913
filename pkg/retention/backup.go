package retention

import "time"

// Backup is what a Plan needs to know about one committed backup.
type Backup struct {
	Kind     string `json:"kind"`             // tenant, full, base
	Tenant   string `json:"tenant,omitempty"` // set for kind tenant
	BackupID string `json:"backup_id"`
	// Dir is the backup's folder in the store (where manifest.json is).
	Dir       string    `json:"dir,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// RetainUntil is the manifest's retention date; zero when none.
	RetainUntil  time.Time    `json:"retain_until,omitzero"`
	Verification Verification `json:"verification"`
	// Size is the bytes stored for the backup, all its objects together.
	Size int64 `json:"size,omitempty"`
}

// Verification is what the verifier found about a backup.
type Verification string

const (
	NotVerified        Verification = "unchecked" // not checked yet
	Verified           Verification = "verified"  // restores and matches its manifest
	VerificationFailed Verification = "failed"    // checked and found wrong
)

// group is the set of backups among which "newest" is decided: one tenant's
// exports, or all backups of a kind without tenants.
type group struct{ kind, tenant string }

func (b Backup) group() group { return group{b.Kind, b.Tenant} }

func (g group) String() string {
	if g.tenant != "" {
		return "tenant " + g.tenant
	}
	return g.kind + " backups"
}
