package alert

// Severity is Arca's urgency of an alert. Each severity may route to its
// own PagerDuty integration (routing key).
type Severity string

const (
	Critical Severity = "critical"
	High     Severity = "high"
	Warning  Severity = "warning"
)

// Severities lists every severity.
var Severities = []Severity{Critical, High, Warning}

// PagerDuty maps the severity to the Events API v2 payload severity
// (critical, error, warning, info).
func (s Severity) PagerDuty() string {
	switch s {
	case Critical:
		return "critical"
	case High:
		return "error"
	case Warning:
		return "warning"
	default:
		return "info"
	}
}
