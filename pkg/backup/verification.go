package backup

import (
	"path"
	"time"
)

// VerificationObject is written beside the manifest by the verifier: the
// latest proof (or disproof) that the backup restores. Retention never
// deletes the newest verified backup of a tenant.
const VerificationObject = "verified.json"

// Verification is the content of verified.json.
type Verification struct {
	BackupID    string    `json:"backup_id"`
	Verified    bool      `json:"verified"`
	Reason      string    `json:"reason,omitempty"` // why not, for an operator
	CheckedAt   time.Time `json:"checked_at"`
	Duration    string    `json:"duration"`
	ObjectBytes int64     `json:"object_bytes"`
	PlainBytes  int64     `json:"plain_bytes"`
	Tables      int       `json:"tables,omitempty"`
	Rows        int64     `json:"rows,omitempty"`
}

// VerificationKey is the key of verified.json beside a manifest key.
func VerificationKey(manifestKey string) string {
	return path.Dir(manifestKey) + "/" + VerificationObject
}
