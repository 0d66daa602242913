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
}

// String reads well in a page summary: `tenant "acme" (tenant)` or `full backup`.
func (s Scope) String() string {
	kind := string(s.Kind)
	if kind == "" {
		kind = "unknown kind"
	}
	if s.Tenant == "" {
		return kind + " backup"
	}
	return fmt.Sprintf("tenant %q (%s)", s.Tenant, kind)
}

func (s Scope) kindToken() string {
	if s.Kind == "" {
		return "_"
	}
	return string(s.Kind)
}
