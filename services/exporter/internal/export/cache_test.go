package export_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/services/exporter/internal/export"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

// TestCachedDDLFollowsTheCatalog exports a column-model tenant through one
// cache after each of several DDL changes and compares the archive's
// shared DDL and tables with an export that runs pg_dump and discovery
// itself: a DDL committed between two exports must reach the next archive,
// including changes outside the shared schemas that show in their DDL (a
// type's name, a role's name).
func TestCachedDDLFollowsTheCatalog(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cache := export.NewCache()
	withCache := func(c *export.Cache) *bundle {
		nb := *b
		nb.cfg.Cache = c
		return &nb
	}
	// pg_dump opens and closes its output with a random key (psql's
	// \restrict): two runs differ there and nowhere else.
	key := regexp.MustCompile(`(?m)^\\(un)?restrict [0-9A-Za-z]+$`)
	file := func(e exported, name string) string {
		return key.ReplaceAllString(string(e.files[name]), `\${1}restrict KEY`)
	}
	ddl := func(e exported) string {
		return file(e, archive.SharedSchemaFile) + file(e, archive.SharedPostSchemaFile)
	}
	same := func(step string) string {
		t.Helper()
		want := withCache(nil).export(t, "beta")
		got := withCache(cache).export(t, "beta")
		for _, f := range []string{archive.SharedSchemaFile, archive.SharedPostSchemaFile} {
			require.Contains(t, file(want, f), `\restrict KEY`)
			require.Equal(t, file(want, f), file(got, f), "%s: %s", step, f)
		}
		require.Equal(t, want.manifest.Tables, got.manifest.Tables, step)
		return ddl(got)
	}
	run := func(sql string) {
		t.Helper()
		_, err := b.db.Pool.Exec(t.Context(), sql)
		require.NoError(t, err, sql)
	}

	// hitsWhenUnchanged runs step and an export with the cache until the
	// export misses nothing: the fingerprint covers the cluster's roles,
	// which other tests on this server create and drop at any moment (a
	// miss then is right). A step that always changes the key fails.
	hitsWhenUnchanged := func(what string, step func()) exported {
		t.Helper()
		var got exported
		var before, after export.CacheStats
		for range cacheTries {
			step()
			before = cache.Stats()
			got = withCache(cache).export(t, "beta")
			after = cache.Stats()
			if after.Misses == before.Misses {
				break
			}
		}
		require.Equal(t, before.Misses, after.Misses, what)
		require.Equal(t, before.Hits+4, after.Hits, "%s: both sections, the plan and the sequences", what)
		return got
	}

	same("first export")
	again := hitsWhenUnchanged("an unchanged catalog is answered from the cache", func() {})
	require.NotEmpty(t, again.files[archive.SharedSchemaFile], "every archive carries the DDL")

	var suffix [4]byte
	_, err := rand.Read(suffix[:])
	require.NoError(t, err)
	role := "arca_cache_" + hex.EncodeToString(suffix[:])
	t.Cleanup(func() {
		ctx := context.Background()
		_, _ = b.db.Pool.Exec(ctx, `DROP POLICY IF EXISTS users_seen ON public.users`)
		_, _ = b.db.Pool.Exec(ctx, `DROP ROLE IF EXISTS `+role)
		_, _ = b.db.Pool.Exec(ctx, `DROP ROLE IF EXISTS `+role+`_renamed`)
	})
	steps := []struct{ name, sql, has, hasNot string }{
		{"a column", `ALTER TABLE public.users ADD COLUMN nickname text`, "nickname", ""},
		{"an index", `CREATE INDEX users_nickname ON public.users (nickname)`, "users_nickname", ""},
		{"an index dropped", `DROP INDEX public.users_nickname`, "", "users_nickname"},
		{"a type of another schema", `CREATE SCHEMA elsewhere; CREATE TYPE elsewhere.tone AS ENUM ('warm');
			ALTER TABLE public.users ADD COLUMN tone elsewhere.tone`, "elsewhere.tone", ""},
		{"that type renamed", `ALTER TYPE elsewhere.tone RENAME TO timbre`, "elsewhere.timbre", "elsewhere.tone"},
		{"a policy", `CREATE ROLE ` + role + `; CREATE POLICY users_seen ON public.users TO ` + role + ` USING (true)`, role, ""},
		{"its role renamed", `ALTER ROLE ` + role + ` RENAME TO ` + role + `_renamed`, role + "_renamed", ""},
		{"a default", `ALTER TABLE public.users ALTER COLUMN nickname SET DEFAULT 'anon'`, "'anon'::text", ""},
		{"a column dropped", `ALTER TABLE public.users DROP COLUMN nickname`, "", "nickname"},
	}
	for _, s := range steps {
		run(s.sql)
		got := same(s.name)
		if s.has != "" {
			require.Contains(t, got, s.has, s.name)
		}
		if s.hasNot != "" {
			require.NotContains(t, got, s.hasNot, s.name)
		}
	}
	// Statistics and vacuum do not change the DDL, nor the cache's key.
	hitsWhenUnchanged("ANALYZE and VACUUM keep the catalog's fingerprint", func() {
		run(`ANALYZE`)
		run(`VACUUM public.users`)
	})
	// What rewrites catalog rows without changing the DDL costs a new dump
	// (a miss), with the same DDL.
	for _, sql := range []string{`VACUUM FULL public.users`, `CREATE TEMP TABLE scratch (x int)`} {
		before := cache.Stats()
		run(sql)
		same(sql)
		require.Greater(t, cache.Stats().Misses, before.Misses, sql)
	}
	require.Contains(t, ddl(again), "CREATE TABLE public.users")
}

// TestKeptSessionsServeTheNextExport: with Config.Sessions a second export
// connects no new session (the server's backends are reused), its archive
// is the same, and a kept session the server has closed meanwhile is
// replaced, not a failed export.
func TestKeptSessionsServeTheNextExport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.cfg.Cache = export.NewCache()
	b.cfg.Sessions = source.NewSessions(8, time.Minute)
	first := b.export(t, "beta")
	kept := b.cfg.Sessions.Idle()
	require.Equal(t, 1+b.cfg.Parallelism, kept, "the coordinating session and each copy session")

	// A session the export closed (not kept) may still be leaving the
	// server's list on a loaded machine: wait for it, then count.
	var pids []int32
	require.Eventually(t, func() bool {
		rows, err := b.db.Pool.Query(t.Context(), `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'arca-exporter'`)
		if err == nil {
			pids, err = pgx.CollectRows(rows, pgx.RowTo[int32])
		}
		return err == nil && len(pids) <= kept
	}, time.Minute, 50*time.Millisecond)
	require.Len(t, pids, kept)

	second := b.export(t, "beta")
	require.Equal(t, first.manifest.Tables, second.manifest.Tables)
	require.Equal(t, kept, b.cfg.Sessions.Idle())

	// The server ends the kept copy sessions (all but the coordinating
	// one, the first connected): the copy sessions are replaced.
	_, err := b.db.Pool.Exec(t.Context(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'arca-exporter'
		  AND backend_start > (SELECT min(backend_start) FROM pg_stat_activity
		                       WHERE datname = current_database() AND application_name = 'arca-exporter')`)
	require.NoError(t, err)
	require.Equal(t, first.manifest.Tables, b.export(t, "beta").manifest.Tables)

	// The server ends every kept session: the next export connects anew.
	_, err = b.db.Pool.Exec(t.Context(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'arca-exporter'`)
	require.NoError(t, err)
	third := b.export(t, "beta")
	require.Equal(t, first.manifest.Tables, third.manifest.Tables)
}

// cacheTries bounds the exports a test makes to see a cache hit while other
// tests change the cluster's roles.
const cacheTries = 10
