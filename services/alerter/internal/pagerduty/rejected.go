package pagerduty

// RejectedError is PagerDuty refusing an event as invalid (HTTP 400):
// sending it again cannot succeed.
type RejectedError struct {
	DedupKey string
	Reason   string
}

func (e *RejectedError) Error() string {
	return "pagerduty rejected " + e.DedupKey + ": " + e.Reason
}

// Permanent reports that retrying cannot help.
func (e *RejectedError) Permanent() bool { return true }
