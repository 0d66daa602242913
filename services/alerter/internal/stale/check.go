package stale

import (
	"context"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
)

// Policy says how old is too old.
type Policy struct {
	// StaleAfter per kind: a scope of that kind without a successful
	// backup for longer raises backup-stale. Kinds not listed are not
	// checked (full and base backups run weekly: give them 8 days).
	StaleAfter map[messages.Kind]time.Duration
	// DrillOverdueAfter: a drilled scope without a successful drill for
	// longer raises drill-overdue. Zero disables the check.
	DrillOverdueAfter time.Duration
}

// Check returns a trigger for every stale scope and a resolve for every
// fresh one, stamped now.
func Check(ctx context.Context, f Freshness, p Policy, now time.Time) ([]alert.Alert, error) {
	success, err := f.LastSuccess(ctx)
	if err != nil {
		return nil, fmt.Errorf("stale check last success: %w", err)
	}
	var out []alert.Alert
	for scope, last := range success {
		limit, ok := p.StaleAfter[scope.Kind]
		if !ok || limit <= 0 {
			continue
		}
		out = append(out, judge(alert.BackupStale, scope, last, limit, now, "No successful backup"))
	}
	if p.DrillOverdueAfter <= 0 {
		return out, nil
	}
	drills, err := f.LastDrill(ctx)
	if err != nil {
		return nil, fmt.Errorf("stale check last drill: %w", err)
	}
	for scope, last := range drills {
		out = append(out, judge(alert.DrillOverdue, scope, last, p.DrillOverdueAfter, now, "Restore drill overdue"))
	}
	return out, nil
}

func judge(c alert.Check, scope alert.Scope, last time.Time, limit time.Duration, now time.Time, what string) alert.Alert {
	age := now.Sub(last)
	action := alert.Resolve
	if age > limit {
		action = alert.Trigger
	}
	a := alert.New(c, action, scope)
	a.Time = now
	a.Summary = fmt.Sprintf("%s: %s, last success %s ago (limit %s)", what, scope, age.Truncate(time.Minute), limit)
	a.Details = map[string]string{
		"tenant": scope.Tenant, "kind": string(scope.Kind),
		"last_success": last.UTC().Format(time.RFC3339), "limit": limit.String(),
	}
	return a
}
