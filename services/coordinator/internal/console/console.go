package console

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config configures the console.
type Config struct {
	// Credentials sign in; at least one operator or viewer. A credential
	// with an empty token never signs in.
	Credentials []Credential
	// OIDC, when its issuer is set, adds "sign in with OIDC".
	OIDC OIDC
	// JaegerURL is the base URL of the Jaeger UI ("" hides the links).
	JaegerURL string
	// Stale is the age past which a tenant's newest backup is stale
	// (default 26h: a daily schedule and its slack).
	Stale  time.Duration
	Logger *slog.Logger
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

type handler struct {
	svc    Service
	creds  []Credential
	key    []byte
	cfg    Config
	log    *slog.Logger
	pages  map[string]*template.Template
	oidc   *oidcFlow
	now    func() time.Time
	static http.Handler
}

// Prefix is where the console is mounted.
const Prefix = "/console/"

// Handler serves the console under Prefix.
func Handler(svc Service, cfg Config) (http.Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Stale <= 0 {
		cfg.Stale = 26 * time.Hour
	}
	for _, c := range cfg.Credentials {
		if c.Role != RoleOperator && c.Role != RoleViewer {
			return nil, fmt.Errorf("console credential %q: role %q is neither operator nor viewer", c.Label, c.Role)
		}
	}
	if cfg.JaegerURL != "" {
		if u, err := url.Parse(cfg.JaegerURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("console jaeger url %q: want an http(s) URL", cfg.JaegerURL)
		}
	}
	if err := cfg.OIDC.Validate(); err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	sub, _ := fs.Sub(staticFS, "static")
	h := &handler{svc: svc, creds: cfg.Credentials, key: sessionKey(cfg.Credentials), cfg: cfg, log: cfg.Logger,
		pages: pages, now: cfg.Now, static: http.StripPrefix(Prefix+"static/", http.FileServerFS(sub))}
	if cfg.OIDC.Enabled() {
		h.oidc = &oidcFlow{cfg: cfg.OIDC}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /console/{$}", h.authed(h.overview))
	mux.HandleFunc("GET /console/signin", h.signinForm)
	mux.HandleFunc("POST /console/signin", h.signin)
	mux.HandleFunc("POST /console/signout", h.authed(h.signout))
	mux.HandleFunc("GET /console/lang/{lang}", h.setLang)
	if h.oidc != nil {
		mux.HandleFunc("GET /console/oidc/login", h.oidcLogin)
		mux.HandleFunc("GET /console/oidc/callback", h.oidcCallback)
	}
	mux.HandleFunc("GET /console/tenants/{tenant}", h.authed(h.tenant))
	mux.HandleFunc("GET /console/backups/{backup}", h.authed(h.backup))
	mux.HandleFunc("GET /console/runs/{run}", h.authed(h.run))
	mux.HandleFunc("GET /console/tenants/{tenant}/restore", h.authed(h.restoreForm))
	mux.HandleFunc("POST /console/tenants/{tenant}/restore", h.authed(h.restorePlan))
	mux.HandleFunc("POST /console/restores", h.authed(h.startRestore))
	mux.HandleFunc("GET /console/restores/{restore}", h.authed(h.restoreStatus))
	mux.HandleFunc("GET /console/audit", h.authed(h.audit))
	mux.HandleFunc("GET /console/ops", h.authed(h.ops))
	mux.HandleFunc("POST /console/drills", h.authed(h.startDrill))
	mux.Handle("GET /console/static/", h.static)
	return securityHeaders(mux), nil
}

// securityHeaders forbids framing, inline scripts and foreign origins.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// request is one signed-in request, as page handlers see it.
type request struct {
	*http.Request
	session session
	lang    string
}

func (h *handler) authed(f func(http.ResponseWriter, *request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := h.session(r, h.now())
		if err == nil {
			var out bool
			out, err = h.svc.SignedOut(r.Context(), s.Nonce)
			if err != nil {
				h.failErr(w, &request{Request: r, lang: pickLang(r)}, err)
				return
			}
			if out {
				err = errNoSession
			}
		}
		if err != nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, Prefix+"signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			h.fail(w, &request{Request: r, lang: pickLang(r)}, http.StatusUnauthorized, "signin.bad")
			return
		}
		req := &request{Request: r, session: s, lang: pickLang(r)}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if err := r.ParseForm(); err != nil {
				h.fail(w, req, http.StatusBadRequest, "badrequest")
				return
			}
			if !h.checkCSRF(r, s) {
				h.fail(w, req, http.StatusForbidden, "csrf")
				return
			}
		}
		if !cleanInput(r) {
			h.fail(w, req, http.StatusBadRequest, "badrequest")
			return
		}
		f(w, req)
	}
}

// page is what every template receives.
type page struct {
	Lang    string
	Title   string
	Session *session
	CSRF    string
	Path    string
	Refresh int // seconds; 0 for none
	Flash   string
	Data    any
	h       *handler
}

// T translates a key; with arguments it formats them into the message.
func (p page) T(key string, args ...any) string {
	s := translate(p.Lang, key)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Operator reports whether the signed-in role may restore.
func (p page) Operator() bool { return p.Session != nil && p.Session.Role == RoleOperator }

func (h *handler) render(w http.ResponseWriter, r *request, status int, name, title string, data any, refresh int) {
	t, ok := h.pages[name]
	if !ok {
		panic("console: no page " + name)
	}
	p := page{Lang: r.lang, Title: title, Path: r.URL.Path, Data: data, Refresh: refresh, h: h}
	if r.session.Nonce != "" {
		s := r.session
		p.Session, p.CSRF = &s, h.csrfToken(s)
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		h.log.Error("console: rendering failed", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", r.lang)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// fail shows an error page; key is a message key.
func (h *handler) fail(w http.ResponseWriter, r *request, status int, key string) {
	h.render(w, r, status, "error", translate(r.lang, key), translate(r.lang, key), 0)
}

// failErr maps a service error to a page; server errors are logged, not
// shown (they may name internals).
func (h *handler) failErr(w http.ResponseWriter, r *request, err error) {
	switch {
	case errors.Is(err, catalog.ErrNotFound), errors.Is(err, ErrUnknownTenant):
		h.fail(w, r, http.StatusNotFound, "notfound")
	case errors.Is(err, ErrInvalid):
		h.fail(w, r, http.StatusBadRequest, "badrequest")
	default:
		h.log.Error("console: request failed", "path", r.URL.Path, "err", err)
		h.fail(w, r, http.StatusInternalServerError, "internal")
	}
}

// Errors a Service returns that the console shows as such.
var (
	ErrUnknownTenant = errors.New("unknown tenant")
	ErrInvalid       = errors.New("invalid request")
)

func (h *handler) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if lang != langEN && lang != langPT {
		lang = langEN
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: Prefix, SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	next := r.URL.Query().Get("next")
	if !localPath(next) {
		next = Prefix
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// cleanInput refuses a path, query or form value holding a NUL or invalid
// UTF-8: PostgreSQL cannot store them, and no tenant or backup id has them.
func cleanInput(r *http.Request) bool {
	ok := func(v string) bool { return utf8.ValidString(v) && !strings.ContainsRune(v, 0) }
	if !ok(r.URL.Path) {
		return false
	}
	for _, values := range []url.Values{r.URL.Query(), r.PostForm} {
		for k, vs := range values {
			if !ok(k) {
				return false
			}
			for _, v := range vs {
				if !ok(v) {
					return false
				}
			}
		}
	}
	return true
}

// localPath accepts only a path inside the console (no open redirects).
func localPath(p string) bool {
	return strings.HasPrefix(p, Prefix) && !strings.HasPrefix(p, "//") && !strings.Contains(p, "\\") && !strings.ContainsAny(p, "\r\n")
}
