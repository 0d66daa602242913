package stale

import (
	"context"
	"time"

	"github.com/arcabackup/arca/services/alerter/internal/alert"
)

// Freshness reports when each scope last succeeded.
type Freshness interface {
	// LastSuccess returns, for every scope expected to back up, the time
	// of its newest successful backup (commit or verification), or, for a
	// scope that never succeeded, when it was first seen. A scope absent
	// from the map is not checked. Safe for concurrent use.
	LastSuccess(ctx context.Context) (map[alert.Scope]time.Time, error)
	// LastDrill is the same for successful restore drills: every scope that
	// is drilled, with the time of its newest successful drill or of its
	// first drill attempt.
	LastDrill(ctx context.Context) (map[alert.Scope]time.Time, error)
}
