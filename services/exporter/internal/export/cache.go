package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/pgdump"
)

// Cache keeps what tenant exports read from the catalog that is the same
// for every tenant while no DDL runs: pg_dump's pre- and post-data sections
// of the shared schemas, the plan of the column-model tenants and the list
// of the shared sequences. Each is keyed by a fingerprint of the catalog
// that the export reads under its own snapshot (catalogFingerprint), so a
// DDL committed before an export's snapshot changes the key and that export
// reads the catalog again; every archive still carries the DDL bytes.
// Without it, one export of a small tenant spent ~170 of its ~205 requests
// to the server on pg_dump's catalog queries (two pg_dump runs), each
// paying the network's latency (#17.5). Share one Cache between the exports
// of one source; nil caches nothing.
type Cache struct {
	mu      sync.Mutex
	entries map[string]*cacheEntry
	order   []string          // keys, oldest first, for eviction
	stmts   map[string]string // the fingerprint statement, by the server version it is for
	hits    int
	misses  int
}

// maxCacheEntries bounds the cache: a fingerprint has a few entries (two
// sections, the plan, the sequences), so this keeps the last several
// catalog states whatever the number of tenants.
const maxCacheEntries = 32

type cacheEntry struct {
	ready chan struct{}
	val   any
	err   error
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{entries: map[string]*cacheEntry{}, stmts: map[string]string{}}
}

// CacheStats counts lookups that found a value and those that produced it.
type CacheStats struct{ Hits, Misses int }

// Stats returns the lookups so far.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Hits: c.hits, Misses: c.misses}
}

// get returns the value under key, producing it once: concurrent exports
// that miss the same key wait for the first one's value instead of each
// running pg_dump. A failed production is not kept (it may be that
// export's own cancellation): a waiter then produces the value itself.
func (c *Cache) get(ctx context.Context, key string, produce func() (any, error)) (any, error) {
	for {
		c.mu.Lock()
		e, ok := c.entries[key]
		if !ok {
			e = &cacheEntry{ready: make(chan struct{})}
			c.entries[key] = e
			c.order = append(c.order, key)
			if len(c.order) > maxCacheEntries {
				delete(c.entries, c.order[0])
				c.order = c.order[1:]
			}
			c.misses++
			c.mu.Unlock()
			e.val, e.err = produce()
			if e.err != nil {
				c.mu.Lock()
				if c.entries[key] == e {
					delete(c.entries, key)
					c.order = slices.DeleteFunc(c.order, func(k string) bool { return k == key })
				}
				c.mu.Unlock()
			}
			close(e.ready)
			return e.val, e.err
		}
		c.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err == nil {
			c.mu.Lock()
			c.hits++
			c.mu.Unlock()
			return e.val, nil
		}
	}
}

// catalogsSQL lists the catalogs the fingerprint reads: every catalog of
// the database that the exporter may read, but the statistics (ANALYZE
// rewrites them), large objects and the subscriptions' sync state, which
// change without DDL and that pg_dump --schema-only --schema does not
// dump; of the catalogs shared by the cluster only the tablespaces (their
// names appear in the DDL). Roles are read by name below (pg_authid is the
// superuser's).
const catalogsSQL = `SELECT c.relname::text FROM pg_catalog.pg_class c
WHERE c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace AND c.relkind = 'r'
  AND (NOT c.relisshared OR c.relname = 'pg_tablespace')
  AND c.relname NOT IN ('pg_statistic', 'pg_statistic_ext_data', 'pg_largeobject', 'pg_largeobject_metadata',
                        'pg_subscription_rel', 'pg_user_mapping')
  AND pg_catalog.has_table_privilege(c.oid, 'SELECT')
ORDER BY 1`

// fingerprintSQL builds the fingerprint statement for these catalogs: per
// catalog, the number of rows and two sums over their xmin. Any DDL
// inserts, updates or deletes catalog rows transactionally, and a row a
// transaction writes carries that transaction's id as its xmin, so the
// multiset of xmins of a catalog changes with every committed DDL that
// touches it; read under the export's snapshot it is the catalog the
// export's snapshot sees. What changes catalog rows without DDL (VACUUM's
// and ANALYZE's statistics in pg_class) does so in place, xmin unchanged;
// what rewrites them without changing the DDL (TRUNCATE, VACUUM FULL,
// temporary tables) only costs a new dump.
func fingerprintSQL(catalogs []string) string {
	parts := make([]string, 0, len(catalogs)+1)
	for _, name := range catalogs {
		parts = append(parts, fmt.Sprintf(`SELECT %s, count(*)::text || '/' || coalesce(sum(x), 0)::text || '/' || coalesce(sum(pg_catalog.hashint8extended(x, 0)), 0)::text
FROM (SELECT xmin::text::bigint AS x FROM pg_catalog.%s) s`, quoteLiteral(name), pgx.Identifier{name}.Sanitize()))
	}
	// A role's name appears in the DDL (a policy's TO, with --no-owner
	// and --no-privileges nothing else).
	parts = append(parts, `SELECT 'roles', count(*)::text || '/' || coalesce(sum(pg_catalog.hashtext(oid::text || '/' || rolname)), 0)::text
FROM pg_catalog.pg_roles`)
	// xmins are transaction ids of one history: a restore, a PITR, a
	// failover or a disk snapshot of the same cluster reuses them for other
	// DDL (the same counts and sums, another catalog). The postmaster's start
	// (every other history starts a server), the cluster, its timeline (a
	// standby promoted without a restart) and the xid epoch (wraparound)
	// keep each history's entries apart.
	parts = append(parts, `SELECT 'history', pg_catalog.pg_postmaster_start_time()::text || '/' ||
  (pg_catalog.pg_control_system()).system_identifier::text || '/' || (pg_catalog.pg_control_checkpoint()).timeline_id::text || '/' ||
  (pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text::bigint >> 32)::text`)
	return strings.Join(parts, "\nUNION ALL\n")
}

// catalogsVersionSQL is catalogsSQL with the server's version, which the
// list depends on.
const catalogsVersionSQL = `SELECT l.relname, current_setting('server_version') FROM (` + catalogsSQL + `) l`

// statement returns the fingerprint statement and the server version it
// was built for, listing the catalogs through conn the first time (the
// list is the server's, not the snapshot's).
func (c *Cache) statement(ctx context.Context, conn *pgx.Conn) (stmt, version string, err error) {
	c.mu.Lock()
	for v, s := range c.stmts {
		stmt, version = s, v
	}
	c.mu.Unlock()
	if stmt != "" {
		return stmt, version, nil
	}
	rows, err := conn.Query(ctx, catalogsVersionSQL)
	if err != nil {
		return "", "", fmt.Errorf("catalog fingerprint: %w", err)
	}
	type listed struct{ Name, Version string }
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[listed])
	if err != nil {
		return "", "", fmt.Errorf("catalog fingerprint: list catalogs: %w", err)
	}
	if len(list) == 0 {
		return "", "", fmt.Errorf("catalog fingerprint: no catalog may be read")
	}
	names := make([]string, len(list))
	for i, l := range list {
		names[i] = l.Name
	}
	stmt, version = fingerprintSQL(names), list[0].Version
	c.mu.Lock()
	c.stmts = map[string]string{version: stmt}
	c.mu.Unlock()
	return stmt, version, nil
}

// forget drops the statement built for version: a privilege lost since
// the list was read, or another server.
func (c *Cache) forget(version string) {
	c.mu.Lock()
	delete(c.stmts, version)
	c.mu.Unlock()
}

// fingerprintPart is one row of the fingerprint statement.
type fingerprintPart struct{ Name, Sums string }

// fingerprintOf hashes the fingerprint statement's rows.
func fingerprintOf(parts []fingerprintPart, database, serverVersion string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", database, serverVersion)
	for _, p := range parts {
		fmt.Fprintf(h, "%s=%s\x00", p.Name, p.Sums)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// catalogFingerprint reads the fingerprint of the catalog through tx (the
// export's snapshot), building the statement for this server version.
func (c *Cache) catalogFingerprint(ctx context.Context, tx pgx.Tx, database, serverVersion string) (string, error) {
	rows, err := tx.Query(ctx, catalogsSQL)
	if err != nil {
		return "", fmt.Errorf("catalog fingerprint: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", fmt.Errorf("catalog fingerprint: %w", err)
	}
	stmt := fingerprintSQL(names)
	rows, err = tx.Query(ctx, stmt)
	if err != nil {
		return "", fmt.Errorf("catalog fingerprint: %w", err)
	}
	parts, err := pgx.CollectRows(rows, pgx.RowToStructByPos[fingerprintPart])
	if err != nil {
		return "", fmt.Errorf("catalog fingerprint: %w", err)
	}
	c.mu.Lock()
	c.stmts = map[string]string{serverVersion: stmt}
	c.mu.Unlock()
	return fingerprintOf(parts, database, serverVersion), nil
}

// sharedSection writes one pg_dump section of the shared schemas as the
// archive file name, extra appended: the section as the cache keeps it for
// this catalog, or as pg_dump writes it under the export's snapshot (which
// the cache then keeps). The extra (the sequences' values) is never cached.
func sharedSection(ctx context.Context, cfg Config, aw *archive.Writer, findBin func() (pgdump.Binary, error), fp string,
	schemas []string, snapshotID, section, name string, extra func(io.Writer) error) error {
	if cfg.Cache == nil || fp == "" || len(schemas) == 0 {
		var bin pgdump.Binary
		if len(schemas) > 0 {
			b, err := findBin()
			if err != nil {
				return err
			}
			bin = b
		}
		return dumpShared(ctx, cfg, aw, bin, schemas, snapshotID, section, name, extra)
	}
	ddl, err := cachedSharedDDL(ctx, cfg, findBin, fp, schemas, snapshotID, section)
	if err != nil {
		return err
	}
	fw, err := aw.Create(name, false)
	if err != nil {
		return err
	}
	if _, err := fw.Write(ddl); err != nil {
		return err
	}
	if extra != nil {
		if err := extra(fw); err != nil {
			return fmt.Errorf("dump shared schemas %s: %w", section, err)
		}
	}
	_, err = fw.Close()
	return err
}

// cachedSharedDDL is one pg_dump section of the shared schemas as the
// cache keeps it for catalog fp, or as pg_dump writes it under the
// snapshot (then kept). Needs cfg.Cache and fp; never changed once
// returned.
func cachedSharedDDL(ctx context.Context, cfg Config, findBin func() (pgdump.Binary, error), fp string,
	schemas []string, snapshotID, section string) ([]byte, error) {
	// Everything pg_dump's output depends on besides the catalog: its
	// arguments (schemas, excluded tables) and the binary.
	key := strings.Join([]string{"ddl", fp, section, cfg.PGBinDir, strings.Join(schemas, "\x01"), strings.Join(cfg.Tenancy.Exclude, "\x01")}, "\x00")
	v, err := cfg.Cache.get(ctx, key, func() (any, error) {
		bin, err := findBin()
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := dumpSharedTo(ctx, cfg, &buf, bin, schemas, snapshotID, section, nil); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}

// discover is tenancy.Discover, its plan kept for this catalog when the
// tenant has no schema of its own: a column-model tenant's plan depends on
// the catalog and the configuration, not on its id (the selections read
// the id bound in each session).
func discover(ctx context.Context, cfg Config, tx pgx.Tx, fp string, tenant tenancy.Tenant) (*tenancy.Plan, error) {
	if cfg.Cache == nil || fp == "" || tenant.Schema != "" {
		return tenancy.Discover(ctx, tx, cfg.Tenancy, tenant)
	}
	key := "plan\x00" + fp + "\x00" + fmt.Sprintf("%#v", cfg.Tenancy)
	v, err := cfg.Cache.get(ctx, key, func() (any, error) { return tenancy.Discover(ctx, tx, cfg.Tenancy, tenant) })
	if err != nil {
		return nil, err
	}
	// The plan is shared: each export gets its own copy with its tenant;
	// the tables are read, never written.
	own := *v.(*tenancy.Plan)
	own.Tenant = tenant
	return &own, nil
}

// cachedSharedSequenceValues is sharedSequenceValues with the list of
// sequences kept for this catalog; their values are read every time.
func cachedSharedSequenceValues(ctx context.Context, cfg Config, tx pgx.Tx, fp string, schemas []string, w io.Writer) error {
	if cfg.Cache == nil || fp == "" {
		return sharedSequenceValues(ctx, tx, schemas, w)
	}
	key := "sequences\x00" + fp + "\x00" + strings.Join(schemas, "\x01")
	v, err := cfg.Cache.get(ctx, key, func() (any, error) { return sharedSequences(ctx, tx, schemas) })
	if err != nil {
		return err
	}
	return writeSharedSequenceValues(ctx, tx, v.([]string), w)
}
