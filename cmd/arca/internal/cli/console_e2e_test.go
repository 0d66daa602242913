package cli_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
)

// consoleClient is a signed-in console session, as a browser without
// JavaScript holds it: cookies and the page's CSRF token.
type consoleClient struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *consoleClient) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	require.NoError(c.t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	if m := csrfInput.FindStringSubmatch(string(body)); m != nil {
		c.csrf = m[1]
	}
	return resp.StatusCode, string(body)
}

func (c *consoleClient) post(path string, form url.Values) (int, string, *url.URL) {
	c.t.Helper()
	form.Set("csrf", c.csrf)
	resp, err := c.http.PostForm(c.base+path, form)
	require.NoError(c.t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	if m := csrfInput.FindStringSubmatch(string(body)); m != nil {
		c.csrf = m[1]
	}
	return resp.StatusCode, string(body), resp.Request.URL
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}

// With arca dev serving the console: the plan of a replace counts the live
// rows it would delete, a side-by-side restore started from the console
// runs the real restore into a new schema, and the audit log records it.
func TestConsoleRestoresThroughArcaDev(t *testing.T) {
	ctx := t.Context()
	dev := newDevEnv(t)
	addr := freeAddr(t)
	t.Setenv("ARCA_API_TOKEN", "console-e2e-operator")
	dev.configure(fmt.Sprintf("api: {addr: %q}\n", addr))
	env, db := dev.arcaEnv, dev.source
	env.start("dev")
	base := "http://" + addr
	teststack.Eventually(t, 2*time.Minute, func() bool {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "arca dev serving the API and the console")

	done, err := env.backupTenant(ctx, "acme")
	require.NoError(t, err, done.Reason)

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &consoleClient{t: t, base: base, http: &http.Client{Jar: jar}}
	c.get("/console/signin")
	status, _, _ := c.post("/console/signin", url.Values{"token": {"console-e2e-operator"}})
	require.Equal(t, http.StatusOK, status)
	// The catalog records the backup from its events, which may trail the
	// CLI's --wait on a loaded machine: wait until the restore form offers it.
	teststack.Eventually(t, 2*time.Minute, func() bool {
		_, form := c.get("/console/tenants/acme/restore")
		return strings.Contains(form, done.BackupID)
	}, "the catalog to record the backup")
	status, page := c.get("/console/")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, page, `href="/console/tenants/acme"`)

	// A replace's plan: the rows the backup restores, and the live rows
	// it deletes first (nothing is deleted by asking).
	status, page, _ = c.post("/console/tenants/acme/restore", url.Values{"backup": {done.BackupID}, "mode": {"replace"}})
	require.Equal(t, http.StatusOK, status, page)
	restored := regexp.MustCompile(`id="plan-rows">(\d+)<`).FindStringSubmatch(page)
	deleted := regexp.MustCompile(`id="plan-deleted">(\d+)<`).FindStringSubmatch(page)
	require.NotNil(t, restored, page)
	require.NotNil(t, deleted, page)
	rows, _ := strconv.Atoi(restored[1])
	dels, _ := strconv.Atoi(deleted[1])
	require.Positive(t, rows)
	require.Positive(t, dels)
	require.Contains(t, page, fmt.Sprintf("%d rows of tenant acme", dels))

	// Side by side, confirmed: the real restore runs into a new schema.
	status, page, _ = c.post("/console/tenants/acme/restore", url.Values{"backup": {done.BackupID}, "mode": {"into_schema"}, "target": {"acme_console"}})
	require.Equal(t, http.StatusOK, status, page)
	status, page, at := c.post("/console/restores", url.Values{"tenant": {"acme"}, "backup": {done.BackupID},
		"mode": {"into_schema"}, "target": {"acme_console"}, "confirm": {"acme"}})
	require.Equal(t, http.StatusOK, status, page)
	require.Regexp(t, `^/console/restores/restore-`, at.Path)
	teststack.Eventually(t, 2*time.Minute, func() bool {
		_, page = c.get(at.Path)
		require.NotContains(t, page, `id="restore-state">failed<`, page)
		return regexp.MustCompile(`id="restore-state">succeeded<`).MatchString(page)
	}, "the console's restore to succeed")
	require.Regexp(t, `id="restore-result">restored tenant acme from backup \S+ \(into-schema\): \d+ tables, \d+ rows`, page)
	var tables int
	require.NoError(t, db.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'acme_console'`).Scan(&tables))
	require.Positive(t, tables, "the side-by-side schema holds the tenant's tables")

	// The operations page: the real retention plan (nothing deleted) and
	// the keyring's versions, without their material.
	status, page = c.get("/console/ops")
	require.Equal(t, http.StatusOK, status, page)
	require.Regexp(t, `id="retention-summary">\d+ backups in the bucket; the next prune deletes 0\.`, page)
	require.Contains(t, page, done.BackupID)
	require.Regexp(t, `<table id="keys">.*default key`, strings.ReplaceAll(page, "\n", " "))

	// A key action from the CLI lands in the same audit log, and the
	// tenant's page shows its keys of its own.
	_, stderr, err := env.run(ctx, "keys", "rotate", "--tenant", "acme")
	require.NoError(t, err, stderr)
	_, page = c.get("/console/tenants/acme")
	require.Contains(t, page, "The tenant has keys of its own (1 versions)")

	_, page = c.get("/console/audit")
	require.Contains(t, page, "key.rotate")
	require.Contains(t, page, "scope=tenant acme")
	require.Contains(t, page, "restore.start")
	require.Contains(t, page, "mode=into_schema target=acme_console")
	require.NotContains(t, page, "console-e2e-operator")
}
