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

// Damaged reports whether the failure is evidence that the backup itself
// is bad: its manifest refused, its object missing, a size or SHA-256
// that differs, a part that does not authenticate under the key it names,
// a part sealed under a destroyed key (its tenant was erased), a file or
// row count that differs. It is not when the source failed or the context
// ended (StageRead), nor when the keys in use do not hold a key the backup
// names (LacksKey): that is a fault of whoever verifies, not of the
// backup. A verifier marks the backup unverified and raises a critical
// event only for damage.
func (f *Failure) Damaged() bool { return f.Stage != StageRead && !LacksKey(f.Err) }

// LacksKey reports whether err says the keys in use do not hold a key
// that the backup (or its manifest) was sealed under, and that key was not
// destroyed: a keyring that is incomplete, out of date or another
// deployment's. Only a verification with the right keyring can tell
// whether such a backup is good.
func LacksKey(err error) bool {
	var unknown *seal.UnknownKeyError
	return errors.As(err, &unknown) && !unknown.Destroyed
}

// Judged reports whether err, as Backup, Stored or StoredParts return it,
// is a verdict on the backup: nil (it verified) or a damaged *Failure.
// Anything else (the bucket unreadable, the manifest not there, a key not
// held, a key source unreachable, the context ended) says only that this
// verification could not judge the backup: it must not be recorded as the
// backup's verification (Result.Record), where it would replace a passed
// one.
func Judged(err error) bool {
	var f *Failure
	return err == nil || (errors.As(err, &f) && f.Damaged())
}

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
