package verify

import (
	"errors"
	"fmt"
	"strings"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/seal"
)

// Stage is the check that caught a failure.
type Stage string

// The stages of verification, in the order bytes meet them.
const (
	StageManifest Stage = "manifest" // the backup manifest itself is unusable
	StageObject   Stage = "object"   // sealed bytes: size or SHA-256 differ from the manifest
	StageSeal     Stage = "seal"     // a part failed authentication or its key is unknown
	StagePlain    Stage = "plain"    // the opened stream's size or SHA-256 differ
	StageArchive  Stage = "archive"  // a file's SHA-256, size or row count differ
	StageRead     Stage = "read"     // the source failed (network, cancelled): not damage
)

// Failure says which backup failed verification, where, and why. It never
// carries row data or key material.
type Failure struct {
	BackupID string
	Stage    Stage
	Part     int    // the part, -1 when unknown or irrelevant
	File     string // the archive file, when known
	Err      error
}

func (f *Failure) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "verify backup %s: %s", f.BackupID, f.Stage)
	if f.Part >= 0 {
		fmt.Fprintf(&b, " part %d", f.Part)
	}
	if f.File != "" {
		fmt.Fprintf(&b, " file %s", f.File)
	}
	fmt.Fprintf(&b, ": %v", f.Err)
	return b.String()
}

func (f *Failure) Unwrap() error { return f.Err }

// Damaged reports whether the failure means the backup itself is bad (as
// opposed to the source failing or the context ending): a verifier marks
// the backup unverified and raises a critical event only then.
func (f *Failure) Damaged() bool { return f.Stage != StageRead }

// classify turns an error met while reading the plaintext into a Failure.
func classify(backupID string, err error) *Failure {
	var f *Failure
	if errors.As(err, &f) {
		return f
	}
	var auth *seal.AuthError
	if errors.As(err, &auth) {
		return &Failure{BackupID: backupID, Stage: StageSeal, Part: int(auth.Part), Err: err}
	}
	if errors.Is(err, archive.ErrCorrupt) {
		return &Failure{BackupID: backupID, Stage: StageArchive, Part: -1, File: archiveFile(err), Err: err}
	}
	return &Failure{BackupID: backupID, Stage: StageRead, Part: -1, Err: err}
}

// archiveFile pulls the file name out of an archive error ("archive: file
// NAME: ..."), best effort, for the report.
func archiveFile(err error) string {
	s := err.Error()
	for _, p := range []string{"archive: file ", "archive: read "} {
		if i := strings.Index(s, p); i >= 0 {
			rest := s[i+len(p):]
			if j := strings.IndexAny(rest, ": "); j > 0 {
				return rest[:j]
			}
		}
	}
	return ""
}
