package messages

import (
	"net/url"
	"strings"
	"time"
)

// The tenant restore jobs: a restorer consumes SubjectRestore and records
// the whole restore under StageRestore and each of its steps (base backup,
// recovery, export, restore, cleanup) under StageRestoreStep.
const (
	SubjectRestore   = "jobs.restore"
	StageRestore     = "restore"
	StageRestoreStep = "restore-step"
)

// RestoreSubject is where a tenant's restore job is published.
func RestoreSubject(tenant string) string { return SubjectRestore + "." + Token(tenant) }

// TenantRestoreRequested asks a restorer to put one tenant back as it was at
// At (a tenant point-in-time restore). ID names the request: its events
// carry it as their backup id.
type TenantRestoreRequested struct {
	V      int       `json:"v"`
	ID     string    `json:"id"`
	Tenant string    `json:"tenant"`
	At     time.Time `json:"at"`
	// Mode is "replace", "target" or "into-schema".
	Mode string `json:"mode"`
	// Target is the database URL of a "target" restore. It holds no
	// password: messages rest in the stream, so the restorer's own
	// environment (PGPASSWORD, .pgpass) supplies credentials.
	Target string `json:"target,omitempty"`
	// Schema is the schema of an "into-schema" restore.
	Schema      string    `json:"schema,omitempty"`
	RequestedAt time.Time `json:"requested_at"`
}

func (m TenantRestoreRequested) Ref() Ref {
	return Ref{Tenant: m.Tenant, BackupID: m.ID, Kind: KindTenant}
}

func (m TenantRestoreRequested) Validate() error {
	var p problems
	p.version(m.V)
	p.required("id", m.ID)
	p.required("tenant", m.Tenant)
	if m.At.IsZero() {
		p.add("at", "is required")
	}
	if m.RequestedAt.IsZero() {
		p.add("requested_at", "is required")
	}
	switch m.Mode {
	case "replace":
	case "target":
		p.required("target", m.Target)
	case "into-schema":
		p.required("schema", m.Schema)
	default:
		p.add("mode", "%q is not replace, target or into-schema", m.Mode)
	}
	if m.Mode != "target" && m.Target != "" {
		p.add("target", "goes only with mode target")
	}
	if m.Target != "" {
		if u, err := url.Parse(m.Target); err != nil {
			p.add("target", "is not a URL")
		} else if _, set := u.User.Password(); set || strings.Contains(strings.ToLower(m.Target), "password=") {
			p.add("target", "holds a password; give the restorer its credentials another way")
		}
	}
	return p.err()
}
