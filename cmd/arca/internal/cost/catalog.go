package cost

import (
	"time"

	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/lifecycle"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// Classes says which storage class a backup sits in: the class the
// uploader gives its kind, or the lifecycle's archive class once the rule
// derived from the retention policy has moved it (lifecycle.Derive with
// the default archive).
type Classes struct {
	Uploader map[string]string // kind → the uploader's storage class ("": STANDARD)
	KeepDays map[string]int    // kind → the retention policy's days
}

// Of is the class of a backup of kind, age and size.
func (c Classes) Of(kind string, age time.Duration, size int64) string {
	class := c.Uploader[kind]
	if archive := lifecycle.DefaultArchive()[kind]; archive != "" && size > lifecycle.DefaultMinArchiveSize {
		if days := c.KeepDays[kind] + lifecycle.DefaultArchiveMarginDays; age >= time.Duration(days)*24*time.Hour {
			class = archive
		}
	}
	if class == "" {
		class = "STANDARD"
	}
	return class
}

// CatalogUnits are the committed backups the catalog recorded, each in
// the class c gives it at now, with the verification the catalog knows.
func CatalogUnits(rows []coordinator.Backup, c Classes, now time.Time) []Unit {
	var out []Unit
	for _, b := range rows {
		if b.CommittedAt == nil {
			continue // not in the bucket (yet, or ever)
		}
		v := retention.NotVerified
		switch b.State {
		case coordinator.JobVerified:
			v = retention.Verified
		case coordinator.JobFailed, coordinator.JobDeadLettered:
			v = retention.VerificationFailed
		}
		out = append(out, Unit{Planned: true,
			Backup:  retention.Backup{Kind: b.Kind, Tenant: b.Tenant, BackupID: b.BackupID, CreatedAt: *b.CommittedAt, Verification: v, Size: b.Bytes},
			Objects: []Object{{Size: b.Bytes, Class: c.Of(b.Kind, now.Sub(*b.CommittedAt), b.Bytes)}}})
	}
	return out
}
