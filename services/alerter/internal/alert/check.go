package alert

// Check is one condition the alerter pages on. Its name is the runbook's
// file name: docs/runbooks/<check>.md.
type Check string

const (
	BackupFailed       Check = "backup-failed"       // a stage gave up on a backup
	DeadLettered       Check = "dead-lettered"       // a job went to the DLQ
	VerificationFailed Check = "verification-failed" // read-back, decrypt or a restore drill failed
	BackupStale        Check = "backup-stale"        // no successful backup for too long
	DrillOverdue       Check = "drill-overdue"       // no successful restore drill for too long
	BackupTooLarge     Check = "backup-too-large"    // an artifact exceeded the size limit
	WALStreamLag       Check = "wal-stream-lag"      // wal-receive is not connected or trails the primary
	WALSlotRetention   Check = "wal-slot-retention"  // wal-receive's slot holds too much WAL on the primary
	CopyMissing        Check = "copy-missing"        // a backup's copy in a further destination is missing or failed verification
)

// Checks lists every check, for documentation and tests.
var Checks = []Check{BackupFailed, DeadLettered, VerificationFailed, BackupStale, DrillOverdue, BackupTooLarge, WALStreamLag, WALSlotRetention, CopyMissing}

// Severity is how urgently a check pages.
func (c Check) Severity() Severity {
	switch c {
	case DrillOverdue, CopyMissing:
		return High
	case BackupTooLarge:
		return Warning
	default:
		return Critical
	}
}
