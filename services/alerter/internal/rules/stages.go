package rules

import "github.com/arcabackup/arca/pkg/messages"

// StageDrill is the stage name of restore drill events. It belongs in
// pkg/messages next to the other stage names.
const StageDrill = messages.StageDrill

// CommitStage is the stage whose artifact-level succeeded event records the
// commit (manifest written) and the artifact's size in Event.Bytes.
const CommitStage = messages.StageUpload

// IsCommit reports whether e records a committed backup.
func IsCommit(e messages.Event) bool {
	return e.Status == messages.StatusSucceeded && e.Part == nil && e.Stage == CommitStage
}

// IsBackupSuccess reports whether e proves a backup of its scope exists:
// the commit, or a verification of it.
func IsBackupSuccess(e messages.Event) bool {
	return e.Status == messages.StatusSucceeded && e.Part == nil &&
		(e.Stage == CommitStage || e.Stage == messages.StageVerify || e.Stage == messages.StageWALArchive)
}

// IsDrillSuccess reports whether e records a successful restore drill.
func IsDrillSuccess(e messages.Event) bool {
	return e.Status == messages.StatusSucceeded && e.Part == nil && e.Stage == StageDrill
}

func isVerifyStage(stage string) bool { return stage == messages.StageVerify || stage == StageDrill }
