package backup

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"time"

	"github.com/arcabackup/arca/pkg/seal"
)

// VerificationObject is written beside the manifest by the verifier: the
// latest proof (or disproof) that the backup restores. Retention never
// deletes the newest verified backup of a tenant. It is sealed and bound
// to its key and backup like the manifest.
const VerificationObject = "verified.json"

// Verification is the sealed content of verified.json.
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
	// Destination names the copy verified (store.destinations); empty
	// for the primary. Each destination holds its own record.
	Destination string `json:"destination,omitempty"`
}

// VerificationKey is the key of verified.json beside a manifest key.
func VerificationKey(manifestKey string) string {
	return path.Dir(manifestKey) + "/" + VerificationObject
}

// SealVerification seals the verification of backup r for its key (beside
// the backup's manifest) under the primary key of the backup's scope. It
// returns the key and the document to write there.
func (l Layout) SealVerification(ctx context.Context, r Ref, v Verification, keys Keys) (string, []byte, error) {
	if v.BackupID != r.BackupID {
		return "", nil, fmt.Errorf("verification of backup %s recorded for %s", v.BackupID, r)
	}
	body, err := json.Marshal(v)
	if err != nil {
		return "", nil, err
	}
	key := l.keyOf(r, VerificationObject)
	doc, err := sealObject(ctx, objectVerification, key, r, body, keys)
	return key, doc, err
}

// OpenVerification authenticates the verified.json document read from key.
// A record copied from another backup, moved, tampered with or in the
// plaintext format 1 is refused with a *MetadataError.
func (l Layout) OpenVerification(ctx context.Context, key string, doc []byte, keys seal.KeyLookup) (Verification, error) {
	return openAs(ctx, l, objectVerification, VerificationObject, key, doc, keys, func(v Verification, r Ref) error {
		if v.BackupID != r.BackupID {
			return fmt.Errorf("it is for backup %s, the key says %s", v.BackupID, r)
		}
		return nil
	})
}
