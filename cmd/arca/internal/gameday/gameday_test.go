package gameday_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/teststack"
)

// result is one line of the game day's report.
type result struct {
	scenario, done string
	rto, rpo       string
	outcome        string
}

// TestGameDay runs the plan's disaster scenarios one after the other on
// one bench and prints the table: scenario, what was done, RTO, RPO,
// outcome. `make gameday` runs it alone, with its log; `make test` runs
// it too (not with -short).
func TestGameDay(t *testing.T) {
	if testing.Short() {
		t.Skip("the game day starts PostgreSQL clusters and takes a minute or more: `make gameday`")
	}
	start := time.Now()
	bin := buildArca(t)
	b := newBench(t, bin, nil)
	var results []result
	report := func() {
		var s strings.Builder
		tw := tabwriter.NewWriter(&s, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SCENARIO\tWHAT WAS DONE\tRTO\tRPO\tOUTCOME")
		for _, r := range results {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.scenario, r.done, r.rto, r.rpo, r.outcome)
		}
		if err := tw.Flush(); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("\ngame day %s, %d scenarios, %s\n%s\n", start.UTC().Format(time.RFC3339), len(results), since(start), s.String())
		if path := os.Getenv("ARCA_GAMEDAY_REPORT"); path != "" {
			var md strings.Builder
			fmt.Fprintf(&md, "Game day of %s (%s in all):\n\n| scenario | what was done | RTO | RPO | outcome |\n|---|---|---|---|---|\n", start.UTC().Format(time.RFC3339), since(start))
			for _, r := range results {
				fmt.Fprintf(&md, "| %s | %s | %s | %s | %s |\n", r.scenario, r.done, r.rto, r.rpo, r.outcome)
			}
			_ = os.WriteFile(path, []byte(md.String()), 0o644)
		}
	}
	defer report()
	for _, s := range []struct {
		name string
		run  func(*testing.T, *bench) result
	}{
		{"1 tenant data deleted", tenantDataDeleted},
		{"2 tenant schema dropped", tenantSchemaDropped},
		{"3 whole database lost", databaseLost},
		{"4 ransomware with the uploader's keys", ransomware},
		{"5 key file lost, KMS available", keyFileLost(bin)},
	} {
		var r result
		ok := t.Run(s.name, func(t *testing.T) { r = s.run(t, b) })
		if !ok {
			r = result{scenario: s.name, done: "see the log", rto: "-", rpo: "-", outcome: "FAILED"}
		}
		results = append(results, r)
	}
}

// homeRows is everything a care home has: its staff accounts and every
// row of its schema ("schema missing" when it is gone).
func homeRows(t *testing.T, conn *pgx.Conn, home string) string {
	t.Helper()
	var users, residents, records *string
	if err := conn.QueryRow(t.Context(), `SELECT string_agg(u::text, ';' ORDER BY u.id) FROM public.users u WHERE "tenantId" = $1`, home).Scan(&users); err != nil {
		t.Fatal(err)
	}
	var exists bool
	if err := conn.QueryRow(t.Context(), `SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = $1)`, "tenant_"+home).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if !exists {
		return fmt.Sprintf("users %s | schema missing", str(users))
	}
	s := pgx.Identifier{"tenant_" + home}.Sanitize()
	if err := conn.QueryRow(t.Context(), `SELECT (SELECT string_agg(r::text, ';' ORDER BY r.id) FROM `+s+`.residents r),
		(SELECT string_agg(d::text, ';' ORDER BY d.id) FROM `+s+`.daily_records d)`).Scan(&residents, &records); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("users %s | residents %s | records %s", str(users), str(residents), str(records))
}

func str(s *string) string {
	if s == nil {
		return "none"
	}
	return *s
}

// writeRecords commits n daily records for home, one transaction each,
// and returns the last commit time.
func writeRecords(t *testing.T, conn *pgx.Conn, home string, n int, note string) time.Time {
	t.Helper()
	var last time.Time
	s := pgx.Identifier{"tenant_" + home}.Sanitize()
	for i := range n {
		last = teststack.Commit(t, conn, `INSERT INTO `+s+`.daily_records (resident_id, note) VALUES ($1, $2)`, 1+i%20, fmt.Sprintf("%s %d", note, i))
	}
	return last
}

// check fails the scenario with what differs.
func check(t *testing.T, what, want, got string) bool {
	t.Helper()
	if want != got {
		t.Errorf("%s: want\n%.600s\ngot\n%.600s", what, want, got)
		return false
	}
	return true
}

// rfc3339 is a time as --at takes it, to the second.
func rfc3339(at time.Time) string { return at.UTC().Format(time.RFC3339) }
