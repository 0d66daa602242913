package health

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/pgbin"
)

// Source is what the source check needs to know.
type Source struct {
	URL      string
	PGBinDir string   // where pg_dump and pg_restore are ("": PATH)
	Exclude  []string // schema.table names no backup reads
	// Drills: a drill schedule is set, so the role must create databases.
	Drills bool
	// Archiving: a base or wal_check schedule is set, so the source must
	// archive WAL through arca wal-push and the role must replicate.
	Archiving bool
}

// CheckSource: the source database answers, its role can read every table
// a backup reads, pg_dump and pg_restore are there and not older than the
// server, and WAL archiving matches the schedules.
func CheckSource(ctx context.Context, f *Findings, s Source) {
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		f.Fail("source", "connect %s: %s", messages.RedactURL(s.URL), messages.OneLine(messages.RedactError(err)))
		return
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var role string
	var super, repl, createdb bool
	var serverVersion int
	if err := conn.QueryRow(ctx, `SELECT current_user, rolsuper, rolreplication, rolcreatedb, current_setting('server_version_num')::int
FROM pg_roles WHERE rolname = current_user`).Scan(&role, &super, &repl, &createdb, &serverVersion); err != nil {
		f.Fail("source", "role: %s", messages.OneLine(err))
		return
	}
	if s.Drills && !super && !createdb {
		f.Fail("source", "role %s cannot create the scratch databases drills restore into: ALTER ROLE %s CREATEDB, or clear schedules.drill", role, role)
	}
	if !checkReadable(ctx, f, conn, s, role) {
		return
	}
	// pg_dump is found as the exporter finds it (pgbin.Find: pg_bin_dir, or
	// the server's major version's directories, then PATH).
	serverMajor := serverVersion / 10000
	if _, err := pgbin.Find(ctx, s.PGBinDir, "pg_dump", serverMajor, func(b pgbin.Binary) error {
		if b.Major < serverMajor {
			return fmt.Errorf("version %d, older than the server (%d): it refuses to dump a newer server", b.Major, serverMajor)
		}
		return nil
	}); err != nil {
		f.Fail("source", "full backups need pg_dump: %s; set source.pg_bin_dir", messages.OneLine(err))
	}
	// pg_restore is run from pg_bin_dir or the PATH (drills, restore full).
	if bin, err := lookTool(s.PGBinDir, "pg_restore"); err != nil {
		f.Fail("source", "pg_restore not found (source.pg_bin_dir %q, PATH): full restores and drills need it", s.PGBinDir)
	} else if major, err := pgbin.Major(ctx, bin); err == nil && major < serverMajor {
		f.Fail("source", "%s is version %d, older than the server (%d): set source.pg_bin_dir", bin, major, serverMajor)
	}
	checkArchiving(ctx, f, conn, s.Archiving, role, super || repl)
}

// checkReadable: the role can read every table a backup reads. False when
// the tables could not be listed.
func checkReadable(ctx context.Context, f *Findings, conn *pgx.Conn, s Source, role string) bool {
	excluded := map[string]bool{}
	for _, e := range s.Exclude {
		excluded[e] = true
	}
	rows, err := conn.Query(ctx, `
SELECT n.nspname || '.' || c.relname, has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'arca_catalog')
  AND n.nspname NOT LIKE 'pg\_%' ORDER BY 1`)
	if err != nil {
		f.Fail("source", "list tables: %s", messages.OneLine(err))
		return false
	}
	var tables int
	var unreadable []string
	for rows.Next() {
		var name string
		var readable bool
		if err := rows.Scan(&name, &readable); err != nil {
			f.Fail("source", "list tables: %s", messages.OneLine(err))
			return false
		}
		if excluded[name] {
			continue
		}
		tables++
		if !readable {
			unreadable = append(unreadable, name)
		}
	}
	if err := rows.Err(); err != nil {
		f.Fail("source", "list tables: %s", messages.OneLine(err))
		return false
	}
	if len(unreadable) > 0 {
		shown := unreadable[:min(len(unreadable), 10)]
		f.Fail("source", "role %s cannot read %d of %d tables: %s%s (GRANT SELECT, and USAGE on their schemas)",
			role, len(unreadable), tables, strings.Join(shown, ", "), more(len(unreadable)-len(shown)))
	} else {
		f.OK("source", "%s as %s: reads all %d tables", messages.RedactURL(s.URL), role, tables)
	}
	return true
}

func lookTool(dir, name string) (string, error) {
	if dir != "" {
		return exec.LookPath(filepath.Join(dir, name))
	}
	return exec.LookPath(name)
}

func more(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" and %d more", n)
}

// checkArchiving: with a base or wal_check schedule (wanted), the source
// must archive WAL through arca wal-push and the role must replicate (base
// backups stream with pg_basebackup).
func checkArchiving(ctx context.Context, f *Findings, conn *pgx.Conn, wanted bool, role string, canReplicate bool) {
	var mode, command, level string
	if err := conn.QueryRow(ctx, `SELECT current_setting('archive_mode'), current_setting('archive_command'), current_setting('wal_level')`).Scan(&mode, &command, &level); err != nil {
		f.Fail("archiving", "read settings: %s", messages.OneLine(err))
		return
	}
	archives := mode != "off" && strings.Contains(command, "wal-push")
	switch {
	case !wanted && !archives:
		f.OK("archiving", "not configured (no base or wal_check schedule, archive_mode=%s)", mode)
		return
	case wanted && !archives:
		f.Fail("archiving", "schedules.base/wal_check are set but the source does not archive WAL through arca (archive_mode=%s, archive_command=%q): set archive_mode=on and archive_command='arca wal-push %%p', or clear those schedules", mode, command)
		return
	case !wanted:
		f.Warn("archiving", "the source archives WAL through arca but no wal_check schedule watches the archive")
	}
	if level == "minimal" {
		f.Fail("archiving", "wal_level=minimal: archiving and base backups need replica")
	}
	if !canReplicate {
		f.Fail("archiving", "role %s has no REPLICATION attribute: base backups (pg_basebackup) need it", role)
		return
	}
	f.OK("archiving", "archive_mode=%s, archive_command=%q, wal_level=%s, role %s replicates", mode, command, level, role)
}

// CheckCatalog: the catalog database answers; it warns when none is
// configured or not migrated yet.
func CheckCatalog(ctx context.Context, f *Findings, url string) {
	if url == "" {
		f.Warn("catalog", "catalog.url is not set: the coordinator keeps no catalog")
		return
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		f.Fail("catalog", "connect %s: %s", messages.RedactURL(url), messages.OneLine(messages.RedactError(err)))
		return
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var migrated bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'arca_catalog')`).Scan(&migrated); err != nil {
		f.Fail("catalog", "%s", messages.OneLine(err))
		return
	}
	if !migrated {
		f.Warn("catalog", "%s: no arca_catalog schema yet (the coordinator creates it when it starts)", messages.RedactURL(url))
		return
	}
	f.OK("catalog", "%s", messages.RedactURL(url))
}
