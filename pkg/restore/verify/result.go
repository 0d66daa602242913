package verify

import (
	"time"

	"github.com/arcabackup/arca/pkg/backup"
)

// Result is what a verification established; it holds names and numbers,
// never row data.
type Result struct {
	BackupID    string        `json:"backup_id"`
	Kind        string        `json:"kind"`
	Tenant      string        `json:"tenant,omitempty"`
	Parts       int           `json:"parts"`
	ObjectBytes int64         `json:"object_bytes"`
	PlainBytes  int64         `json:"plain_bytes"`
	Files       int           `json:"files"`
	Tables      []TableResult `json:"tables,omitempty"`
	Duration    time.Duration `json:"duration_ns"`
	// Failure is set when verification failed; Verified is then false.
	Verified bool     `json:"verified"`
	Failure  *Failure `json:"-"`
	Reason   string   `json:"reason,omitempty"`
}

// TableResult is one table's checked facts: its file matched the manifest's
// SHA-256 and held Rows data rows.
type TableResult struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	File   string `json:"file"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Record is the verification record (verified.json) of this result: err
// is the verification's failure, nil when it verified; destination is the
// copy's destination ("" the primary). Record only a verdict (Judged(err)):
// a verification that could not judge the backup is no record of it.
func (r Result) Record(err error, destination string, at time.Time) backup.Verification {
	v := backup.Verification{BackupID: r.BackupID, Verified: err == nil, CheckedAt: at, Duration: r.Duration.String(),
		ObjectBytes: r.ObjectBytes, PlainBytes: r.PlainBytes, Tables: len(r.Tables), Destination: destination}
	for _, t := range r.Tables {
		v.Rows += t.Rows
	}
	if err != nil {
		v.Reason = err.Error()
	}
	return v
}
