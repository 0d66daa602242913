package prune

import (
	"time"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/retention"
)

// Report is the outcome of a run; it marshals to JSON for the CLI and the
// API. In a dry run the counts and bytes are what a real run would do.
type Report struct {
	DryRun bool      `json:"dry_run"`
	At     time.Time `json:"at"`

	Backups    int   `json:"backups"`     // committed backups found
	Kept       int   `json:"kept"`        // kept by the plan
	Deleted    int   `json:"deleted"`     // no longer backups (Deleted, WouldDelete and Partial)
	Locked     int   `json:"locked"`      // to delete, but Object Lock refused: still backups
	Failed     int   `json:"failed"`      // to delete, but the store failed: still backups
	BytesFreed int64 `json:"bytes_freed"` // backups, orphans and WAL together

	// Deletions are the backups the plan deletes, with the reasons and
	// what happened, in plan order.
	Deletions []Deletion `json:"deletions"`
	// Orphans are folders without a manifest older than OrphanAge.
	Orphans []Orphan `json:"orphans,omitempty"`
	// Uploads are the multipart uploads that can never complete (aborted,
	// or WouldAbort in a dry run); UploadsKept counts the ones of backups
	// still in progress, left alone.
	Uploads     []StaleUpload `json:"uploads,omitempty"`
	UploadsKept int           `json:"uploads_kept"`
	// Problems are objects the run could not use and left alone.
	Problems []Problem `json:"problems,omitempty"`
	// WAL is the WALPruner's report, nil when there is none.
	WAL *WALReport `json:"wal,omitempty"`

	// Plan is the full plan, every kept backup included (not marshalled).
	Plan retention.Plan `json:"-"`
}

// Outcome is what happened to one backup, orphan or upload.
type Outcome string

const (
	Deleted     Outcome = "deleted"
	WouldDelete Outcome = "would delete" // dry run
	Locked      Outcome = "locked"       // Object Lock refused; nothing deleted
	Partial     Outcome = "partial"      // manifest deleted, some objects left (swept later as an orphan)
	Failed      Outcome = "failed"       // the store failed; see Error
	Aborted     Outcome = "aborted"      // a stale multipart upload
	WouldAbort  Outcome = "would abort"  // dry run
)

// Deletion is one backup the plan deletes.
type Deletion struct {
	retention.Decision
	Outcome    Outcome        `json:"outcome"`
	BytesFreed int64          `json:"bytes_freed"`
	Lock       *objstore.Lock `json:"lock,omitempty"`  // the lock that refused
	Error      string         `json:"error,omitempty"` // for Partial and Failed

	err error
}

// Orphan is a folder of leftovers without a manifest.
type Orphan struct {
	Dir          string         `json:"dir"`
	Objects      int            `json:"objects"`
	Bytes        int64          `json:"bytes"`
	LastModified time.Time      `json:"last_modified"`
	Outcome      Outcome        `json:"outcome"`
	Lock         *objstore.Lock `json:"lock,omitempty"`
	Error        string         `json:"error,omitempty"`

	err error
}

// StaleUpload is a multipart upload that can never complete: older than
// StaleUploadAge, or left by an attempt superseded by a committed one.
type StaleUpload struct {
	Key       string    `json:"key"`
	UploadID  string    `json:"upload_id"`
	Initiated time.Time `json:"initiated"`
	Reason    string    `json:"reason"`
	Outcome   Outcome   `json:"outcome"`
	Error     string    `json:"error,omitempty"`
}

// Problem is an object the run could not read; nothing of it was deleted.
type Problem struct {
	Key   string `json:"key"`
	Error string `json:"error"`
}
