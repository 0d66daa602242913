package retention_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/retention"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// daily makes one backup a day at 02:00 UTC from first to last inclusive;
// verify gives each its verification outcome.
func daily(kind, tenant string, first, last time.Time, verify func(time.Time) retention.Verification) []retention.Backup {
	var bs []retention.Backup
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		at := time.Date(d.Year(), d.Month(), d.Day(), 2, 0, 0, 0, time.UTC)
		name := kind
		if tenant != "" {
			name = tenant
		}
		bs = append(bs, retention.Backup{
			Kind: kind, Tenant: tenant, BackupID: name + "-" + at.Format("20060102"),
			CreatedAt: at, Verification: verify(at), Size: 1 << 20,
		})
	}
	return bs
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func allVerified(time.Time) retention.Verification { return retention.Verified }

// fleet is three years of synthetic backups:
//   - acme: daily, every one verified;
//   - bolt: daily, under legal hold;
//   - cura: daily until it left in April 2026; its last three backups
//     failed verification and the two before were never checked;
//   - dent: daily with gaps (a quarter missing in 2024, a month in 2025),
//     stopped a year ago, unverified since June 2025;
//   - full: daily pg_dump of the whole database, one held for an audit;
//   - base: daily for the last 60 days, the newest not verified yet.
func fleet() []retention.Backup {
	start := date("2023-11-20")
	var bs []retention.Backup
	bs = append(bs, daily("tenant", "acme", start, now, allVerified)...)
	bs = append(bs, daily("tenant", "bolt", start, now, allVerified)...)
	bs = append(bs, daily("tenant", "cura", start, date("2026-04-30"), func(t time.Time) retention.Verification {
		switch {
		case t.After(date("2026-04-27")):
			return retention.VerificationFailed
		case t.After(date("2026-04-25")):
			return retention.NotVerified
		}
		return retention.Verified
	})...)
	for _, span := range [][2]string{{"2023-11-20", "2024-03-31"}, {"2024-07-01", "2025-05-31"}, {"2025-07-01", "2025-11-20"}} {
		bs = append(bs, daily("tenant", "dent", date(span[0]), date(span[1]), func(t time.Time) retention.Verification {
			if t.After(date("2025-06-01")) {
				return retention.NotVerified
			}
			return retention.Verified
		})...)
	}
	full := daily("full", "", start, now, func(t time.Time) retention.Verification {
		if t.Weekday() == time.Sunday && t.Day()%2 == 0 {
			return retention.VerificationFailed // the weekly slot falls to another day
		}
		return retention.Verified
	})
	full = append(full, daily("full", "", date("2018-06-01"), date("2018-06-10"), allVerified)...)
	for i := range full {
		if full[i].BackupID == "full-20250303" {
			full[i].RetainUntil = date("2027-03-03") // kept under Object Lock
		}
	}
	bs = append(bs, full...)
	bs = append(bs, daily("base", "", now.AddDate(0, 0, -60), now, func(t time.Time) retention.Verification {
		if t.After(now.AddDate(0, 0, -1)) {
			return retention.NotVerified
		}
		return retention.Verified
	})...)
	// Plan must not depend on the input order.
	slices.Reverse(bs)
	return bs
}

func TestPlanGolden(t *testing.T) {
	t.Parallel()
	hold := retention.DefaultPolicy()
	hold.Holds = []retention.Hold{{Tenant: "bolt", Kind: "tenant", Reason: "case 2026-017"}}

	gfs := hold
	gfs.Kinds = map[string]retention.KindPolicy{
		"tenant": {KeepDays: 14, Daily: retention.Slots{Count: 7}, Weekly: retention.Slots{Count: 8},
			Monthly: retention.Slots{Count: 12}, Yearly: retention.Slots{WithinDays: retention.HealthDataDays}},
		"full": {KeepDays: 30, Monthly: retention.Slots{Count: 6, WithinDays: 365}},
	}
	for _, tc := range []struct {
		name   string
		policy retention.Policy
	}{
		{"default", hold},
		{"gfs", gfs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, tc.policy.Validate())
			plan := tc.policy.Plan(fleet(), now)
			golden(t, filepath.Join("testdata", "plan-"+tc.name+".golden"), render(plan))
		})
	}
}

// render prints a plan one line per run of consecutive backups of a group
// that share the decision, the verification and the reasons.
func render(p retention.Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# plan at %s\n", p.Now.Format(time.RFC3339))
	ds := p.Decisions
	for i := 0; i < len(ds); {
		j := i + 1
		for j < len(ds) && sameRun(ds[i], ds[j]) {
			j++
		}
		first, last := ds[j-1], ds[i] // newest first
		span := first.CreatedAt.Format(time.DateOnly)
		if j-i > 1 {
			span += fmt.Sprintf(" .. %s (%d)", last.CreatedAt.Format(time.DateOnly), j-i)
		}
		who := first.Kind
		if first.Tenant != "" {
			who += " " + first.Tenant
		}
		fmt.Fprintf(&b, "%-6s %-11s %-28s %-9s %s\n", first.Action, who, span, first.Verification, strings.Join(first.Reasons, "; "))
		i = j
	}
	return b.String()
}

func sameRun(a, b retention.Decision) bool {
	return a.Kind == b.Kind && a.Tenant == b.Tenant && a.Action == b.Action &&
		a.Verification == b.Verification && slices.Equal(a.Reasons, b.Reasons)
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	require.Equal(t, string(want), got)
}
