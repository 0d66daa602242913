package messages

import (
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
)

// Stream names.
const (
	StreamJobs   = "JOBS"
	StreamEvents = "EVENTS"
	StreamDLQ    = "DLQ"
)

// Subject roots. Each stage's consumer filters on its own root, so that the
// filters of the WorkQueue stream JOBS never overlap.
const (
	SubjectJobs   = "jobs.>"
	SubjectEvents = "events.>"
	SubjectDLQ    = "dlq.>"

	SubjectExport  = "jobs.export"
	SubjectEncrypt = "jobs.encrypt"
	SubjectUpload  = "jobs.upload"
	SubjectVerify  = "jobs.verify"
)

// Stage names, used in consumer names, event subjects and dead letters.
const (
	StageCoordinate = "coordinate"
	StageExport     = "export"
	StageEncrypt    = "encrypt"
	StageUpload     = "upload"
	StageVerify     = "verify"
	StageDrill      = "drill"       // restore drills: one event per tenant restored, and one per drill run
	StageWALArchive = "wal-archive" // the WAL archive check: gaps and staleness (the RPO)
	StageWALStream  = "wal-stream"  // wal-receive's stream: connected, and its lag behind the primary
	StageWALSlot    = "wal-slot"    // wal-receive's replication slot: WAL it holds on the primary
	// StageArchiveCopy is the check of a further destination's copy of the
	// base backups and WAL archive (walcheck.CopyArchive): failed pages
	// copy-missing for the destination, succeeded resolves it.
	StageArchiveCopy = "archive-copy"
)

// Filter returns the consumer filter subject of a subject root ("jobs.export" → "jobs.export.>").
func Filter(root string) string { return root + ".>" }

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Token turns an arbitrary id (which may hold dots, spaces, '*' or '>') into
// a short subject token: base32 of the first 10 bytes of its SHA-256. Equal
// ids give equal tokens; 80 bits make collisions between tenants negligible.
// An empty id maps to "_".
func Token(id string) string {
	if id == "" {
		return "_"
	}
	sum := sha256.Sum256([]byte(id))
	return strings.ToLower(tokenEncoding.EncodeToString(sum[:10]))
}

// ExportSubject is where the export job of one tenant is published.
func ExportSubject(tenant string) string { return SubjectExport + "." + Token(tenant) }

// EncryptSubject is where a plaintext part of an artifact waits for an encryptor.
func EncryptSubject(artifact string, part int) string {
	return SubjectEncrypt + "." + Token(artifact) + "." + strconv.Itoa(part)
}

// EncryptFilter matches every encrypt job of one artifact (for back-pressure).
func EncryptFilter(artifact string) string { return SubjectEncrypt + "." + Token(artifact) + ".>" }

// UploadSubject is where a sealed part of an artifact waits for an uploader.
func UploadSubject(artifact string, part int) string {
	return SubjectUpload + "." + Token(artifact) + "." + strconv.Itoa(part)
}

// VerifySubject is where a committed backup waits for a verifier.
func VerifySubject(backupID string) string { return SubjectVerify + "." + Token(backupID) }

// EventSubject is where a stage records a fact about a backup.
func EventSubject(tenant, backupID, stage string, status Status) string {
	return "events." + Token(tenant) + "." + Token(backupID) + "." + stage + "." + string(status)
}

// TenantEventFilter matches the events of every backup of a tenant at a
// stage and status ("" tenant: the whole-database kinds).
func TenantEventFilter(tenant, stage string, status Status) string {
	return "events." + Token(tenant) + ".*." + stage + "." + string(status)
}

// DLQSubject is where a stage's dead letters go.
func DLQSubject(stage string) string { return "dlq." + stage }
