package gameday_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/arcabackup/arca/pkg/teststack"
)

// Scenario 1, "Corrupção de Dados (1 tenant)": casa1's daily records and
// staff accounts are deleted by mistake at T while the other homes write
// on. `arca restore tenant --tenant casa1 --at T-1s --replace` recovers the
// newest base backup into a scratch cluster, replays WAL to T-1s, exports
// casa1 and replaces it in the live database. Every row casa1 committed
// before T is back; casa2's writes after T are untouched.
func tenantDataDeleted(t *testing.T, b *bench) result {
	last := writeRecords(t, b.app, "casa1", 10, "turno da manhã")
	writeRecords(t, b.app, "casa2", 5, "turno da manhã")
	teststack.WaitClockPast(t, b.app, last.Add(2*time.Second))
	before := homeRows(t, b.app, "casa1")

	// The mistake: a cleanup script run against the wrong home.
	tx, err := b.app.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{`DELETE FROM tenant_casa1.daily_records`, `DELETE FROM public.users WHERE "tenantId" = 'casa1'`} {
		if _, err := tx.Exec(t.Context(), sql); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}
	var mistake time.Time
	if err := b.app.QueryRow(t.Context(), "SELECT timestamp FROM pg_last_committed_xact()").Scan(&mistake); err != nil {
		t.Fatal(err)
	}
	writeRecords(t, b.app, "casa2", 5, "depois do erro")
	others := homeRows(t, b.app, "casa2") + homeRows(t, b.app, "casa3")
	teststack.ArchiveCurrentWAL(t, b.app) // the segment holding the mistake (archive_timeout would, within 5 s)

	at := mistake.Add(-time.Second)
	start := time.Now()
	b.arca(t, "wal-check")
	b.arca(t, "restore", "tenant", "--tenant", "casa1", "--at", rfc3339(at), "--replace")
	rto := since(start)

	ok := check(t, "casa1 after the restore", before, homeRows(t, b.app, "casa1"))
	ok = check(t, "casa2 and casa3 untouched", others, homeRows(t, b.app, "casa2")+homeRows(t, b.app, "casa3")) && ok
	return result{
		scenario: "1 tenant data deleted",
		done:     fmt.Sprintf("DELETE of casa1's records and staff at %s; restore tenant --at T-1s --replace (tenant PITR)", mistake.UTC().Format("15:04:05.000")),
		rto:      rto.String(),
		rpo:      "0 (every commit of casa1 before T back)",
		outcome:  outcome(ok, "casa1 as before the DELETE; casa2, casa3 untouched"),
	}
}

// Scenario 2: casa2's schema is dropped (DROP SCHEMA ... CASCADE, a
// migration run against the wrong tenant) at T. `arca restore tenant
// --tenant casa2 --at T-1s --replace` recreates the schema with its
// tables and rows; the other homes, which wrote on, are untouched.
func tenantSchemaDropped(t *testing.T, b *bench) result {
	last := writeRecords(t, b.app, "casa2", 10, "visita")
	teststack.WaitClockPast(t, b.app, last.Add(2*time.Second))
	before := homeRows(t, b.app, "casa2")
	dropped := teststack.Commit(t, b.app, `DROP SCHEMA tenant_casa2 CASCADE`)
	writeRecords(t, b.app, "casa1", 5, "depois do drop")
	writeRecords(t, b.app, "casa3", 5, "depois do drop")
	others := homeRows(t, b.app, "casa1") + homeRows(t, b.app, "casa3")
	if got := homeRows(t, b.app, "casa2"); got == before {
		t.Fatal("the schema is still there")
	}
	teststack.ArchiveCurrentWAL(t, b.app)

	start := time.Now()
	b.arca(t, "restore", "tenant", "--tenant", "casa2", "--at", rfc3339(dropped.Add(-time.Second)), "--replace")
	rto := since(start)

	ok := check(t, "casa2 after the restore", before, homeRows(t, b.app, "casa2"))
	ok = check(t, "casa1 and casa3 untouched", others, homeRows(t, b.app, "casa1")+homeRows(t, b.app, "casa3")) && ok
	return result{
		scenario: "2 tenant schema dropped",
		done:     fmt.Sprintf("DROP SCHEMA tenant_casa2 CASCADE at %s; restore tenant --at T-1s --replace (tenant PITR)", dropped.UTC().Format("15:04:05.000")),
		rto:      rto.String(),
		rpo:      "0 (every commit of casa2 before T back)",
		outcome:  outcome(ok, "schema, tables and rows of casa2 back; casa1, casa3 untouched"),
	}
}

func outcome(ok bool, what string) string {
	if !ok {
		return "FAILED: " + what + " (see the log)"
	}
	return "ok: " + what
}
