package cli

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/messages"
)

// checkSource: the source database answers, its role can read every table
// a backup reads, pg_dump is there, and WAL archiving matches the schedules.
func (a *app) checkSource(ctx context.Context, c *checks) {
	conn, err := pgx.Connect(ctx, a.cfg.Source.URL)
	if err != nil {
		c.fail("source", "connect %s: %s", messages.RedactURL(a.cfg.Source.URL), OneLine(messages.RedactError(err)))
		return
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var role string
	var super, repl, createdb bool
	var serverVersion int
	if err := conn.QueryRow(ctx, `SELECT current_user, rolsuper, rolreplication, rolcreatedb, current_setting('server_version_num')::int
FROM pg_roles WHERE rolname = current_user`).Scan(&role, &super, &repl, &createdb, &serverVersion); err != nil {
		c.fail("source", "role: %s", OneLine(err))
		return
	}
	if a.cfg.Schedules.Drill != "" && !super && !createdb {
		c.fail("source", "role %s cannot create the scratch databases drills restore into: ALTER ROLE %s CREATEDB, or clear schedules.drill", role, role)
	}
	excluded := map[string]bool{}
	for _, e := range a.cfg.Tenancy.Exclude {
		excluded[e] = true
	}
	rows, err := conn.Query(ctx, `
SELECT n.nspname || '.' || c.relname, has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'arca_catalog')
  AND n.nspname NOT LIKE 'pg\_%' ORDER BY 1`)
	if err != nil {
		c.fail("source", "list tables: %s", OneLine(err))
		return
	}
	var tables int
	var unreadable []string
	for rows.Next() {
		var name string
		var readable bool
		if err := rows.Scan(&name, &readable); err != nil {
			c.fail("source", "list tables: %s", OneLine(err))
			return
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
		c.fail("source", "list tables: %s", OneLine(err))
		return
	}
	if len(unreadable) > 0 {
		shown := unreadable[:min(len(unreadable), 10)]
		c.fail("source", "role %s cannot read %d of %d tables: %s%s (GRANT SELECT, and USAGE on their schemas)",
			role, len(unreadable), tables, strings.Join(shown, ", "), more(len(unreadable)-len(shown)))
	} else {
		c.ok("source", "%s as %s: reads all %d tables", messages.RedactURL(a.cfg.Source.URL), role, tables)
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		bin, err := a.lookTool(tool)
		if err != nil {
			c.fail("source", "%s not found (source.pg_bin_dir %q, PATH): full backups and restores need it", tool, a.cfg.Source.PGBinDir)
			continue
		}
		if major := toolMajor(ctx, bin); major > 0 && major < serverVersion/10000 {
			c.fail("source", "%s is version %d, older than the server (%d): it refuses to dump a newer server; set source.pg_bin_dir", bin, major, serverVersion/10000)
		}
	}
	a.checkArchiving(ctx, c, conn, role, super || repl)
}

func (a *app) lookTool(name string) (string, error) {
	if a.cfg.Source.PGBinDir != "" {
		return exec.LookPath(filepath.Join(a.cfg.Source.PGBinDir, name))
	}
	return exec.LookPath(name)
}

// toolMajor is the major version a PostgreSQL tool prints ("pg_dump
// (PostgreSQL) 15.8"), 0 when unknown.
func toolMajor(ctx context.Context, bin string) int {
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return 0
	}
	m := toolVersion.FindSubmatch(out)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

var toolVersion = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

func more(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" and %d more", n)
}

// checkArchiving: with a base or wal_check schedule, the source must
// archive WAL through arca wal-push and the role must replicate (base
// backups stream with pg_basebackup).
func (a *app) checkArchiving(ctx context.Context, c *checks, conn *pgx.Conn, role string, canReplicate bool) {
	var mode, command, level string
	if err := conn.QueryRow(ctx, `SELECT current_setting('archive_mode'), current_setting('archive_command'), current_setting('wal_level')`).Scan(&mode, &command, &level); err != nil {
		c.fail("archiving", "read settings: %s", OneLine(err))
		return
	}
	archives := mode != "off" && strings.Contains(command, "wal-push")
	sch := a.cfg.Schedules
	wanted := sch.Base != "" || sch.WALCheck != ""
	switch {
	case !wanted && !archives:
		c.ok("archiving", "not configured (no base or wal_check schedule, archive_mode=%s)", mode)
		return
	case wanted && !archives:
		c.fail("archiving", "schedules.base/wal_check are set but the source does not archive WAL through arca (archive_mode=%s, archive_command=%q): set archive_mode=on and archive_command='arca wal-push %%p', or clear those schedules", mode, command)
		return
	case !wanted:
		c.warn("archiving", "the source archives WAL through arca but no wal_check schedule watches the archive")
	}
	if level == "minimal" {
		c.fail("archiving", "wal_level=minimal: archiving and base backups need replica")
	}
	if !canReplicate {
		c.fail("archiving", "role %s has no REPLICATION attribute: base backups (pg_basebackup) need it", role)
		return
	}
	c.ok("archiving", "archive_mode=%s, archive_command=%q, wal_level=%s, role %s replicates", mode, command, level, role)
}

func (a *app) checkCatalog(ctx context.Context, c *checks) {
	if a.cfg.Catalog.URL == "" {
		c.warn("catalog", "catalog.url is not set: the coordinator keeps no catalog")
		return
	}
	conn, err := pgx.Connect(ctx, a.cfg.Catalog.URL)
	if err != nil {
		c.fail("catalog", "connect %s: %s", messages.RedactURL(a.cfg.Catalog.URL), OneLine(messages.RedactError(err)))
		return
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var migrated bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'arca_catalog')`).Scan(&migrated); err != nil {
		c.fail("catalog", "%s", OneLine(err))
		return
	}
	if !migrated {
		c.warn("catalog", "%s: no arca_catalog schema yet (the coordinator creates it when it starts)", messages.RedactURL(a.cfg.Catalog.URL))
		return
	}
	c.ok("catalog", "%s", messages.RedactURL(a.cfg.Catalog.URL))
}
