package alert

import (
	"fmt"

	"github.com/arcabackup/arca/pkg/messages"
)

// Scope is what an alert is about: one tenant's backups of one kind. A
// whole-database backup (full, base, WAL) has an empty tenant.
type Scope struct {
	Tenant string        `json:"tenant,omitempty"`
	Kind   messages.Kind `json:"kind,omitempty"`
	// Destination, for an alert about one copy of the backups
	// (store.destinations), names it: each destination's incident is its own.
	Destination string `json:"destination,omitempty"`
}

// String reads well in a page summary: `tenant "acme" (tenant)` or `full backup`.
func (s Scope) String() string {
	kind := string(s.Kind)
	if kind == "" {
		kind = "unknown kind"
	}
	out := kind + " backup"
	if s.Tenant != "" {
		out = fmt.Sprintf("tenant %q (%s)", s.Tenant, kind)
	}
	if s.Destination != "" {
		out += fmt.Sprintf(" in destination %q", s.Destination)
	}
	return out
}

func (s Scope) kindToken() string {
	if s.Kind == "" {
		return "_"
	}
	return string(s.Kind)
}
