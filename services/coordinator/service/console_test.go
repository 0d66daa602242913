package service

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

const (
	operatorToken = "console-operator-token"
	viewerToken   = "console-viewer-token"
)

// consoleBundle is a running coordinator with 20 tenants backed up and
// verified through the pipeline's events, its HTTP server, and a restore
// executor that holds each restore until the test releases it.
type consoleBundle struct {
	*bundle
	c        *Service
	srv      *httptest.Server
	restores chan RestoreJob
	release  chan struct{}
	tenants  []string
}

func setupConsole(t *testing.T) *consoleBundle {
	t.Helper()
	return setupConsoleWith(t, nil)
}

// setupConsoleWith lets configure change the configuration, knowing the
// server's base URL.
func setupConsoleWith(t *testing.T, configure func(base string, cfg *Config)) *consoleBundle {
	t.Helper()
	var ids []string
	for i := 1; i <= 20; i++ {
		ids = append(ids, fmt.Sprintf("casa_%02d", i))
	}
	cb := &consoleBundle{bundle: setup(t, ids...), restores: make(chan RestoreJob, 8), release: make(chan struct{}), tenants: ids}
	cfg := testConfig()
	cfg.API.Token, cfg.API.ViewerToken = operatorToken, viewerToken
	cfg.API.JaegerURL = "http://jaeger.example:16686"
	cfg.Schedules = DefaultSchedules()
	cfg.Schedules.Timezone = "America/Sao_Paulo"
	cfg.Logger = slog.New(slog.DiscardHandler)
	cb.srv = httptest.NewUnstartedServer(nil)
	t.Cleanup(cb.srv.Close)
	if configure != nil {
		configure("http://"+cb.srv.Listener.Addr().String(), &cfg)
	}
	c, err := New(Deps{JS: cb.nats.JS, Catalog: cb.catalog.Pool, Source: cb.source.Pool}, cfg)
	require.NoError(t, err)
	c.ops = testOps{
		restoreFn: func(ctx context.Context, r RestoreJob) error {
			cb.restores <- r
			select {
			case <-cb.release:
				r.Report("restored tenant " + r.Tenant + ": 1 tables, 1 rows")
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
		// The planner reads the source as arca's does: the backup's rows
		// (one registry row here) and, for a replace, the live rows.
		planFn: func(ctx context.Context, r RestoreJob) (RestorePlan, error) {
			var live int64
			if err := cb.source.Pool.QueryRow(ctx, `SELECT count(*) FROM public.tenants WHERE id = $1`, r.Tenant).Scan(&live); err != nil {
				return RestorePlan{}, err
			}
			t := PlanTable{Schema: "public", Name: "tenants", Role: "tenant-owned", Rows: 1}
			if r.Mode == RestoreReplace {
				t.Deletes = live
			}
			return RestorePlan{Tables: []PlanTable{t}}, nil
		},
		// A drill as arca's: it restores casa_01's newest backup (here it
		// only says so) and publishes the outcome as a drill event, which
		// the coordinator's tracker records.
		drillFn: func(ctx context.Context, run RunInfo) error {
			list, err := cb.c.Backups(ctx, "casa_01", 1)
			if err != nil || len(list) == 0 {
				return fmt.Errorf("drill: no backup of casa_01: %v", err)
			}
			return cb.pub.Event(ctx, messages.Event{Tenant: "casa_01", Kind: messages.KindTenant, BackupID: list[0].BackupID,
				Run: run.ID, Stage: messages.StageDrill, Status: messages.StatusSucceeded, Duration: messages.Duration(1500 * time.Millisecond)})
		},
		retentionPlanFn: func(ctx context.Context) ([]RetentionDecision, error) {
			list, err := cb.c.Backups(ctx, "", 100)
			if err != nil {
				return nil, err
			}
			var out []RetentionDecision
			for _, b := range list {
				out = append(out, RetentionDecision{BackupID: b.BackupID, Tenant: b.Tenant, Kind: b.Kind, CreatedAt: *b.CommittedAt,
					Action: "keep", Reasons: []string{"newest of its tenant", "daily 2026-11-29"}})
			}
			return out, nil
		},
		keysFn: func(context.Context) ([]KeyVersion, error) {
			created := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
			destroyed := created.Add(24 * time.Hour)
			return []KeyVersion{
				{ID: "default-v1", Number: 1, Created: created, Primary: true, Kind: "local"},
				{ID: "casa_02-v1", Tenant: "casa_02", Number: 1, Created: created, Kind: "local", Destroyed: &destroyed},
			}, nil
		}}
	cb.c = c
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })
	cb.srv.Config.Handler = c.Handler()
	cb.srv.Start()

	_, err = c.BackupTenants(t.Context(), nil, messages.KindTenant, "test")
	require.NoError(t, err)
	jobs := exportJobs(t, cb.nats.JS)
	require.Len(t, jobs, 20)
	for _, j := range jobs {
		cb.complete(t, j, true)
	}
	teststack.Eventually(t, 60*time.Second, func() bool {
		list, err := c.Backups(t.Context(), "", 100)
		if err != nil || len(list) != 20 {
			return false
		}
		for _, b := range list {
			if b.State != JobVerified {
				return false
			}
		}
		return true
	}, "20 verified backups in the catalog")
	// casa_01's backup has copies in two further destinations: one
	// verified there, one whose copy job failed.
	first, err := c.Backups(t.Context(), "casa_01", 1)
	require.NoError(t, err)
	require.Len(t, first, 1)
	for _, e := range []struct {
		stage, destination, err string
		status                  messages.Status
	}{
		{messages.StageCopy, "us-east", "", messages.StatusSucceeded},
		{messages.StageVerify, "us-east", "", messages.StatusSucceeded},
		{messages.StageCopy, "local", "destination local: no space left on device", messages.StatusFailed},
	} {
		require.NoError(t, cb.pub.Event(t.Context(), messages.Event{Tenant: "casa_01", Kind: messages.KindTenant, BackupID: first[0].BackupID,
			Stage: e.stage, Status: e.status, Error: e.err, Attempt: 3, Attrs: map[string]string{messages.DestinationAttr: e.destination}}))
	}
	teststack.Eventually(t, time.Minute, func() bool {
		copies, err := c.Copies(t.Context(), first[0].BackupID)
		return err == nil && len(copies) == 2 && copies[1].State == "verified"
	}, "casa_01's copies in the catalog")
	require.NoError(t, cb.pub.Event(t.Context(), messages.Event{Kind: messages.KindWAL, Stage: messages.StageWALArchive,
		Status: messages.StatusFailed, Error: "gap: 000000010000000000000004 missing", Time: time.Now().UTC()}))
	teststack.Eventually(t, time.Minute, func() bool {
		w, err := c.cat.Whole(t.Context())
		return err == nil && w.WALCheck != nil
	}, "the WAL archive check in the catalog")
	return cb
}

// chromium finds Debian's chromium; a missing browser fails the test with
// the command that installs it (it never skips).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is required for the console's browser tests: apt-get update && apt-get install -y chromium")
	return ""
}

// browser starts a headless chromium with a fresh profile for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "en-US"))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancelT)
	return ctx
}

// screenshot writes the page to docs/console/<name>.png.
func screenshot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			return err
		}
		dir := filepath.Join("..", "..", "..", "docs", "console")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	})
}

// darkTheme makes the page prefer the dark colour scheme.
func darkTheme() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
		return err
	})
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, steps...))
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err)
	return v
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return run(t, ctx, chromedp.Text(chromedp.CSS(sel)))
}

func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`))
}

// An operator signs in, sees the 20 tenants, opens one, starts a
// side-by-side restore with the typed confirmation, watches it finish and
// finds it in the audit log; a form stripped of its CSRF token is refused;
// a viewer sees no way to restore. Every page is screenshotted.
func TestConsoleInABrowser(t *testing.T) {
	t.Parallel()
	cb := setupConsole(t)
	ctx := browser(t)
	base := cb.srv.URL

	// Sign in as the operator; the overview lists every tenant.
	do(t, ctx,
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		screenshot("signin"),
		chromedp.SendKeys(chromedp.ID("token"), operatorToken),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("tenants")),
		screenshot("overview"),
	)
	require.Equal(t, 20, count(t, ctx, "#tenants tbody tr"))
	require.Equal(t, "operator", text(t, ctx, "#role"))
	require.Contains(t, text(t, ctx, "#whole"), "gap: 000000010000000000000004 missing")
	require.Regexp(t, `tenant_export\s+0 0 1 \* \* \* \(America/Sao_Paulo\)\s+\d{4}-\d\d-\d\d 04:00:00 UTC`, text(t, ctx, "#schedules"))

	// The keyboard reaches the skip link first.
	do(t, ctx, chromedp.KeyEvent("\t"))
	require.Equal(t, "skip", run(t, ctx, chromedp.Evaluate[string](`document.activeElement.className`)))

	// Open a tenant and one of its backups.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#tenants a[href="/console/tenants/casa_01"]`)),
		chromedp.WaitVisible(chromedp.ID("backups")),
		screenshot("tenant"),
		chromedp.Click(chromedp.CSS(`#backups tbody a`)),
		chromedp.WaitVisible(chromedp.ID("stages")),
		screenshot("backup"),
	)
	require.GreaterOrEqual(t, count(t, ctx, "#stages tbody tr"), 3, "export, upload and verify events")
	// Its copies in the further destinations, each with its state.
	require.Equal(t, 2, count(t, ctx, "#copies tbody tr"))
	require.Regexp(t, `local\s+copy_failed\s+destination local: no space left on device`, text(t, ctx, "#copies tbody tr:nth-child(1)"))
	require.Regexp(t, `us-east\s+verified`, text(t, ctx, "#copies tbody tr:nth-child(2)"))
	require.Equal(t, 1, count(t, ctx, `a[href^="http://jaeger.example:16686/search?service=arca-exporter&tags="]`))

	// The restore form, then its plan; a confirmation that does not
	// match is refused.
	do(t, ctx,
		chromedp.Navigate(base+"/console/tenants/casa_01"),
		chromedp.WaitVisible(chromedp.ID("restore-link")),
		chromedp.Click(chromedp.ID("restore-link")),
		chromedp.WaitVisible(chromedp.ID("plan")),
		screenshot("restore"),
	)
	schema := run(t, ctx, chromedp.Value(chromedp.ID("target")))
	require.Regexp(t, `^casa_01_\d{8}_\d{4}$`, schema, "a side-by-side schema named after the tenant and the minute")
	do(t, ctx,
		chromedp.Click(chromedp.ID("plan")),
		chromedp.WaitVisible(chromedp.ID("plan-summary")),
		screenshot("restore-plan"),
	)
	require.Contains(t, text(t, ctx, "#plan-summary"), schema)
	require.Equal(t, "1", text(t, ctx, "#plan-rows"))
	do(t, ctx,
		chromedp.SendKeys(chromedp.ID("confirm"), "casa_02"),
		chromedp.Click(chromedp.ID("go")),
		chromedp.WaitVisible(chromedp.ID("plan-problem")),
	)
	select {
	case r := <-cb.restores:
		t.Fatalf("a restore started without its confirmation: %+v", r)
	default:
	}

	// A form without its CSRF token is refused, and nothing starts.
	do(t, ctx, chromedp.SendKeys(chromedp.ID("confirm"), "casa_01"))
	require.True(t, run(t, ctx, chromedp.Evaluate[bool](
		`document.querySelector('form[action="/console/restores"] input[name=csrf]').remove(); true`)))
	do(t, ctx, chromedp.Click(chromedp.ID("go")), chromedp.WaitVisible(chromedp.ID("error")))
	require.Contains(t, text(t, ctx, "#error"), "did not come from this console")
	select {
	case r := <-cb.restores:
		t.Fatalf("a restore started without the CSRF token: %+v", r)
	default:
	}

	// Confirmed: the restore starts, runs, and finishes.
	do(t, ctx,
		chromedp.Navigate(base+"/console/tenants/casa_01/restore"),
		chromedp.WaitVisible(chromedp.ID("plan")),
		chromedp.SetValue(chromedp.ID("target"), "casa_01_restored"),
		chromedp.Click(chromedp.ID("plan")),
		chromedp.WaitVisible(chromedp.ID("confirm")),
		chromedp.SendKeys(chromedp.ID("confirm"), "casa_01"),
		chromedp.Click(chromedp.ID("go")),
		chromedp.WaitVisible(chromedp.ID("restore-state")),
		screenshot("restore-running"),
	)
	job := <-cb.restores
	require.Equal(t, "casa_01", job.Tenant)
	require.Equal(t, RestoreIntoSchema, job.Mode)
	require.Equal(t, "casa_01_restored", job.Target)
	close(cb.release)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS("#restore-state.succeeded")), // the page refreshes itself
		chromedp.WaitVisible(chromedp.ID("restore-result")),
		screenshot("restore-done"),
		chromedp.Navigate(base+"/console/audit"),
		chromedp.WaitVisible(chromedp.ID("audit")),
		screenshot("audit"),
	)
	audit := text(t, ctx, "#audit")
	require.Contains(t, audit, "restore.start")
	require.Contains(t, audit, "operator:api-token")
	require.Contains(t, audit, "mode=into_schema target=casa_01_restored")
	require.NotContains(t, audit, operatorToken)

	// A drill run now from the operations page: its run finishes and the
	// drill shows with its RTO; the retention plan and the key versions.
	do(t, ctx,
		chromedp.Navigate(base+"/console/ops"),
		chromedp.WaitVisible(chromedp.ID("drill-now")),
		chromedp.Click(chromedp.ID("drill-now")),
		chromedp.WaitVisible(chromedp.CSS("#run-state.done")), // the page refreshes itself
		screenshot("drill-run"),
	)
	teststack.Eventually(t, time.Minute, func() bool {
		d, err := cb.c.cat.Drills(t.Context(), "casa_01", 1)
		return err == nil && len(d) == 1
	}, "the drill event in the catalog")
	do(t, ctx,
		chromedp.Navigate(base+"/console/ops"),
		chromedp.WaitVisible(chromedp.ID("keys")),
		screenshot("ops"),
	)
	require.Contains(t, text(t, ctx, "#drills"), "1.5s")
	require.Contains(t, text(t, ctx, "#retention-summary"), "20 backups")
	require.Contains(t, text(t, ctx, "#keys"), "casa_02-v1")
	do(t, ctx, chromedp.Navigate(base+"/console/tenants/casa_02"), chromedp.WaitVisible(chromedp.ID("erasure")))
	require.Contains(t, text(t, ctx, "#erasure"), "Erased")
	audit = run(t, ctx, chromedp.Text(chromedp.ID("main"))) // the tenant page's audit is the tenant's only
	require.NotContains(t, audit, "drill.start")
	do(t, ctx, chromedp.Navigate(base+"/console/audit"), chromedp.WaitVisible(chromedp.ID("audit")))
	require.Contains(t, text(t, ctx, "#audit"), "drill.start")

	// Portuguese through the switch, and the dark theme.
	do(t, ctx,
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible(chromedp.ID("lang-switch")),
		chromedp.Click(chromedp.ID("lang-switch")),
		chromedp.WaitVisible(chromedp.ID("tenants")),
		darkTheme(),
		screenshot("overview-pt-dark"),
	)
	require.Equal(t, "Visão geral", text(t, ctx, "h1"))

	// A viewer reads but finds no way to restore.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`header form button`)),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), viewerToken),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("tenants")),
		chromedp.Navigate(base+"/console/tenants/casa_01"),
		chromedp.WaitVisible(chromedp.ID("backups")),
	)
	require.Zero(t, count(t, ctx, "#restore-link"))
	do(t, ctx,
		chromedp.Navigate(base+"/console/tenants/casa_01/restore"),
		chromedp.WaitVisible(chromedp.ID("viewer-note")),
		screenshot("viewer-restore"),
	)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// client signs in through the form, as a browser without JavaScript would.
func signIn(t *testing.T, base, token string) (*http.Client, string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar}
	get := func(path string) string {
		resp, err := c.Get(base + path)
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(body)
	}
	m := csrfField.FindStringSubmatch(get("/console/signin"))
	require.NotNil(t, m, "the sign-in form carries a CSRF token")
	resp, err := c.PostForm(base+"/console/signin", url.Values{"csrf": {m[1]}, "token": {token}})
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	m = csrfField.FindStringSubmatch(get("/console/"))
	require.NotNil(t, m, "signed in, the page carries the session's CSRF token")
	return c, m[1]
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// Without a browser: a viewer's restore is refused and audited, a form
// without the CSRF token (or another session's) is refused, a wrong
// token does not sign in, and the pages need a session.
func TestConsoleRefusesViewersForgedFormsAndBadTokens(t *testing.T) {
	t.Parallel()
	cb := setupConsole(t)
	base := cb.srv.URL
	backups, err := cb.c.Backups(t.Context(), "casa_03", 10)
	require.NoError(t, err)
	require.Len(t, backups, 1)
	form := func(csrf string) url.Values {
		return url.Values{"csrf": {csrf}, "tenant": {"casa_03"}, "backup": {backups[0].BackupID},
			"mode": {"into_schema"}, "target": {"casa_03_restored"}, "confirm": {"casa_03"}}
	}

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(base + "/console/tenants/casa_03")
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.True(t, strings.HasPrefix(resp.Header.Get("Location"), "/console/signin"))

	anon, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: anon}
	body, _ := io.ReadAll(must(c.Get(base + "/console/signin")).Body)
	m := csrfField.FindStringSubmatch(string(body))
	status, page := post(t, c, base+"/console/signin", url.Values{"csrf": {m[1]}, "token": {"not-a-token"}})
	require.Equal(t, http.StatusUnauthorized, status)
	require.Contains(t, page, "That token is not valid")
	status, _ = post(t, c, base+"/console/signin", url.Values{"token": {operatorToken}})
	require.Equal(t, http.StatusForbidden, status, "sign-in without its CSRF token")

	viewer, viewerCSRF := signIn(t, base, viewerToken)
	status, _ = post(t, viewer, base+"/console/restores", form(viewerCSRF))
	require.Equal(t, http.StatusForbidden, status)

	operator, operatorCSRF := signIn(t, base, operatorToken)
	status, _ = post(t, operator, base+"/console/restores", form(""))
	require.Equal(t, http.StatusForbidden, status, "no CSRF token")
	status, _ = post(t, operator, base+"/console/restores", form(viewerCSRF))
	require.Equal(t, http.StatusForbidden, status, "another session's CSRF token")
	bad := form(operatorCSRF)
	bad.Set("target", "Robert'); DROP TABLE")
	status, _ = post(t, operator, base+"/console/restores", bad)
	require.Equal(t, http.StatusBadRequest, status)
	select {
	case r := <-cb.restores:
		t.Fatalf("a refused restore started: %+v", r)
	default:
	}

	audit, err := cb.c.cat.Audit(t.Context(), "casa_03", 10)
	require.NoError(t, err)
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Actor+" "+e.Action)
	}
	require.Contains(t, actions, "viewer:viewer-token restore.refused")
	require.Contains(t, actions, "operator:api-token restore.refused")

	// A replace's plan says what it deletes before the confirmation.
	status, page = post(t, operator, base+"/console/tenants/casa_03/restore", url.Values{"csrf": {operatorCSRF},
		"backup": {backups[0].BackupID}, "mode": {"replace"}})
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, page, "Rows deleted first")
	require.Regexp(t, `id="plan-deleted">1<`, page)
	require.Contains(t, page, "1 rows of tenant casa_03")

	// Bad input gets a clear 400, not a server error.
	for _, path := range []string{"/console/tenants/a%00b", "/console/backups/%ff%fe", "/console/runs/x%00"} {
		resp, err := operator.Get(base + path)
		require.NoError(t, err)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, path)
	}
	status, _ = post(t, operator, base+"/console/tenants/casa_03/restore", url.Values{"csrf": {operatorCSRF},
		"backup": {"x\x00y"}, "mode": {"into_schema"}, "target": {"casa_03_x"}})
	require.Equal(t, http.StatusBadRequest, status)

	// The overview filters tenants by a part of their id, without
	// JavaScript (a GET form).
	resp, err = operator.Get(base + "/console/?q=CASA_1")
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, 10, strings.Count(string(body), `<th scope="row"><a href="/console/tenants/casa_1`))
	require.NotContains(t, string(body), `href="/console/tenants/casa_02"`)
	require.Contains(t, string(body), `id="tenant-count">20<`)

	// A point in time picks the newest backup at or before it.
	status, page = post(t, operator, base+"/console/tenants/casa_03/restore", url.Values{"csrf": {operatorCSRF},
		"at": {time.Now().UTC().Add(time.Minute).Format("2006-01-02T15:04")}, "mode": {"into_schema"}, "target": {"casa_03_at"}})
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, page, `name="backup" value="`+backups[0].BackupID+`"`)
	status, _ = post(t, operator, base+"/console/tenants/casa_03/restore", url.Values{"csrf": {operatorCSRF},
		"at": {"2001-01-01T00:00"}, "mode": {"into_schema"}, "target": {"casa_03_at"}})
	require.Equal(t, http.StatusBadRequest, status, "no backup that old")

	// Portuguese from Accept-Language.
	req, err := http.NewRequestWithContext(t.Context(), "GET", base+"/console/", nil)
	require.NoError(t, err)
	req.Header.Set("Accept-Language", "pt-BR,pt;q=0.9,en;q=0.5")
	resp, err = operator.Do(req)
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.Contains(t, string(body), "<h1>Visão geral</h1>")
	require.Equal(t, "pt", resp.Header.Get("Content-Language"))

	// A session signed out is over, even for whoever kept its cookie.
	kept, keptCSRF := signIn(t, base, operatorToken)
	u, err := url.Parse(base + "/console/")
	require.NoError(t, err)
	cookies := kept.Jar.Cookies(u)
	status, _ = post(t, kept, base+"/console/signout", url.Values{"csrf": {keptCSRF}})
	require.Equal(t, http.StatusOK, status) // the sign-in page
	replay, err := cookiejar.New(nil)
	require.NoError(t, err)
	replay.SetCookies(u, cookies)
	resp, err = (&http.Client{Jar: replay, CheckRedirect: noRedirect.CheckRedirect}).Get(base + "/console/")
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "the old cookie no longer signs in")

	// The operator's genuine form starts the restore.
	status, _ = post(t, operator, base+"/console/restores", form(operatorCSRF))
	require.Equal(t, http.StatusOK, status)
	job := <-cb.restores
	require.Equal(t, RestoreIntoSchema, job.Mode)
	close(cb.release)
}

func must(resp *http.Response, err error) *http.Response {
	if err != nil {
		panic(err)
	}
	return resp
}
