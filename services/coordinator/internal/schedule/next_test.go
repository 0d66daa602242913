package schedule

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestNext(t *testing.T) {
	now := time.Date(2026, 11, 29, 19, 20, 30, 0, time.UTC) // a Sunday
	for _, c := range []struct {
		expr, zone string
		want       string // RFC 3339 in UTC; "" when not computed
	}{
		{"0 0 1 * * *", "", "2026-11-30T01:00:00Z"},
		{"0 0 2 * * 0", "", "2026-12-06T02:00:00Z"},
		{"0 0 4 1 * *", "", "2026-12-01T04:00:00Z"},
		{"0 */10 * * * *", "", "2026-11-29T19:30:00Z"},
		{"30 20 19 * * *", "", "2026-11-30T19:20:30Z"},
		{"0 0 3 * * SUN", "", "2026-12-06T03:00:00Z"},
		{"0 0 1 * * *", "America/Sao_Paulo", "2026-11-30T04:00:00Z"}, // 01:00 at UTC-3
		{"@daily", "", "2026-11-30T00:00:00Z"},
		{"@every 1h", "", ""},
		{"0 0 0 30 2 *", "", ""}, // never
	} {
		next, ok := Definition{Expr: c.expr, TimeZone: c.zone}.Next(now)
		if c.want == "" {
			require.False(t, ok, c.expr)
			continue
		}
		require.True(t, ok, c.expr)
		require.Equal(t, c.want, next.UTC().Format(time.RFC3339), c.expr)
	}
}
