package service

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"
)

// testIdP is an OpenID Connect provider in process, enough of one for the
// authorization code flow with PKCE: discovery, keys, an authorization
// endpoint that signs in whoever the test says, and a token endpoint.
type testIdP struct {
	t      *testing.T
	srv    *httptest.Server
	key    *rsa.PrivateKey
	client string
	secret string

	mu     sync.Mutex
	user   map[string]any // the claims of whoever signs in next
	grants map[string]grant
}

type grant struct {
	nonce, challenge, redirect string
	claims                     map[string]any
}

func newTestIdP(t *testing.T) *testIdP {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	p := &testIdP{t: t, key: key, client: "arca-console", secret: "idp-secret", grants: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *testIdP) signInAs(claims map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = claims
}

func (p *testIdP) discovery(w http.ResponseWriter, _ *http.Request) {
	u := p.srv.URL
	_ = json.NewEncoder(w).Encode(map[string]any{"issuer": u, "authorization_endpoint": u + "/authorize",
		"token_endpoint": u + "/token", "jwks_uri": u + "/jwks", "response_types_supported": []string{"code"},
		"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported": []string{"S256"}})
}

func (p *testIdP) jwks(w http.ResponseWriter, _ *http.Request) {
	_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
}

func (p *testIdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.client || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	p.mu.Lock()
	p.grants[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri"), claims: p.user}
	p.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	require.NoError(p.t, err)
	v := back.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *testIdP) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	p.mu.Lock()
	g, found := p.grants[r.PostFormValue("code")]
	delete(p.grants, r.PostFormValue("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	if id != p.client || secret != p.secret || !found || g.redirect != r.PostFormValue("redirect_uri") ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
		return
	}
	claims := map[string]any{"iss": p.srv.URL, "aud": p.client, "iat": time.Now().Unix(),
		"exp": time.Now().Add(5 * time.Minute).Unix(), "nonce": g.nonce}
	for k, v := range g.claims {
		claims[k] = v
	}
	payload, err := json.Marshal(claims)
	require.NoError(p.t, err)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "k1"}}, nil)
	require.NoError(p.t, err)
	jws, err := signer.Sign(payload)
	require.NoError(p.t, err)
	idToken, err := jws.CompactSerialize()
	require.NoError(p.t, err)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
}

// OIDC sign-in in the browser: the role comes from the groups claim; a
// person in no mapped group is refused; the audit names them by e-mail.
func TestConsoleOIDCSignIn(t *testing.T) {
	t.Parallel()
	idp := newTestIdP(t)
	cb := setupConsoleWith(t, func(base string, cfg *Config) {
		cfg.API.OIDC = ConsoleOIDC{Issuer: idp.srv.URL, ClientID: idp.client, ClientSecret: idp.secret,
			RedirectURL: base + "/console/oidc/callback", Operators: []string{"arca-operators"}, Viewers: []string{"support"}}
	})
	ctx := browser(t)
	base := cb.srv.URL

	idp.signInAs(map[string]any{"sub": "u-1", "email": "ana@example.com", "groups": []string{"staff", "arca-operators"}})
	do(t, ctx,
		chromedp.Navigate(base+"/console/tenants/casa_04"),
		chromedp.WaitVisible(chromedp.ID("oidc")),
		screenshot("signin-oidc"),
		chromedp.Click(chromedp.ID("oidc")),
		chromedp.WaitVisible(chromedp.ID("backups")), // back where the person was going
	)
	require.Equal(t, "operator", text(t, ctx, "#role"))
	require.Equal(t, 1, count(t, ctx, "#restore-link"))

	idp.signInAs(map[string]any{"sub": "u-2", "email": "bia@example.com", "groups": "support"})
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`header form button`)),
		chromedp.WaitVisible(chromedp.ID("oidc")),
		chromedp.Click(chromedp.ID("oidc")),
		chromedp.WaitVisible(chromedp.ID("tenants")),
	)
	require.Equal(t, "viewer", text(t, ctx, "#role"))

	idp.signInAs(map[string]any{"sub": "u-3", "email": "caio@example.com", "groups": []string{"staff"}})
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`header form button`)),
		chromedp.WaitVisible(chromedp.ID("oidc")),
		chromedp.Click(chromedp.ID("oidc")),
		chromedp.WaitVisible(chromedp.ID("error")),
	)
	require.Contains(t, text(t, ctx, "#error"), "refused")

	// A callback without the sign-in's cookie and state is refused.
	resp, err := http.Get(base + "/console/oidc/callback?code=x&state=y")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// The viewer's refused restore names her by e-mail in the audit log.
	idp.signInAs(map[string]any{"sub": "u-2", "email": "bia@example.com", "groups": "support"})
	do(t, ctx,
		chromedp.Navigate(base+"/console/signin"),
		chromedp.WaitVisible(chromedp.ID("oidc")),
		chromedp.Click(chromedp.ID("oidc")),
		chromedp.WaitVisible(chromedp.ID("tenants")),
	)
	csrf := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('input[name=csrf]').value`))
	require.True(t, run(t, ctx, chromedp.Evaluate[bool](`(function(){
		const f = document.createElement('form'); f.method = 'post'; f.action = '/console/restores';
		for (const [k, v] of Object.entries({csrf: `+strconv.Quote(csrf)+`, tenant: 'casa_04', backup: 'x', mode: 'into_schema', target: 'casa_04_x', confirm: 'casa_04'})) {
			const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }
		document.body.appendChild(f); f.submit(); return true; })()`)))
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("error")))
	audit, err := cb.c.cat.Audit(t.Context(), "casa_04", 5)
	require.NoError(t, err)
	require.NotEmpty(t, audit)
	require.Equal(t, "viewer:oidc:bia@example.com", audit[0].Actor)
	require.Equal(t, "restore.refused", audit[0].Action)
}
