package messages

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// BackupID derives the id of the backup a run makes of a tenant (or, with an
// empty tenant, of the whole database). The same run and tenant always give
// the same id, so a repeated fire or a redelivered job names the same backup
// and every stage can be idempotent. The id sorts by time and is safe in
// object keys: "20261128T010000Z-<12 hex>".
func BackupID(kind Kind, run string, tenant string, at time.Time) string {
	sum := sha256.Sum256([]byte(string(kind) + "\x00" + run + "\x00" + tenant))
	return at.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(sum[:6])
}

// Deterministic Nats-Msg-Id values: a publish repeated after a crash carries
// the same id and is dropped by JetStream's duplicate window.

// ExportMsgID is the id of the export job of a backup.
func ExportMsgID(backupID string) string { return "export:" + backupID }

// ArtifactID names export attempt n of a backup.
func ArtifactID(backupID string, attempt uint64) string {
	return backupID + ".a" + strconv.FormatUint(attempt, 10)
}

// PartReadyMsgID is the id of the encrypt job of a part.
func PartReadyMsgID(artifact string, part int) string {
	return "encrypt:" + artifact + ":" + strconv.Itoa(part)
}

// PartSealedMsgID is the id of the upload job of a part.
func PartSealedMsgID(artifact string, part int) string {
	return "upload:" + artifact + ":" + strconv.Itoa(part)
}

// VerifyMsgID is the id of the verify job of a backup.
func VerifyMsgID(backupID string) string { return "verify:" + backupID }

// EventMsgID is the id of an event; attempt distinguishes retries.
func EventMsgID(e Event) string {
	parts := []string{"event", e.BackupID, e.Stage, string(e.Status), strconv.Itoa(e.Attempt)}
	if e.Part != nil {
		parts = append(parts, strconv.Itoa(*e.Part))
	}
	if d := e.Attrs[DestinationAttr]; d != "" {
		parts = append(parts, "@"+d) // each copy's facts are their own
	}
	if by := e.Attrs[ByAttr]; by != "" {
		// A command's outcome (arca copy) is a fact of its own each time
		// it runs, never a redelivery of the job's with the same stage.
		parts = append(parts, "by", by, e.Time.UTC().Format(time.RFC3339Nano))
	} else if e.BackupID == "" {
		parts = append(parts, e.Tenant, e.Time.UTC().Format(time.RFC3339Nano))
	}
	return strings.Join(parts, ":")
}

// DeadLetterMsgID is the id of the dead letter of a stream message.
func DeadLetterMsgID(stage string, streamSeq uint64) string {
	return "dlq:" + stage + ":" + strconv.FormatUint(streamSeq, 10)
}
