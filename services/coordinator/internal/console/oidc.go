package console

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDC signs people in through an OpenID Connect provider (authorization
// code flow with PKCE, a nonce and a state bound to a signed cookie). The
// role comes from a claim of the ID token: a value listed in Operators
// makes an operator, one in Viewers a viewer, anything else is refused.
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is this console's callback as the provider knows it:
	// https://<host>/console/oidc/callback.
	RedirectURL string
	// RoleClaim names the claim holding the groups or roles (default
	// "groups"; a string or a list of strings).
	RoleClaim string
	Operators []string
	Viewers   []string
}

// Enabled reports whether OIDC sign-in is configured.
func (o OIDC) Enabled() bool { return o.Issuer != "" }

// Validate reports every problem at once.
func (o OIDC) Validate() error {
	if !o.Enabled() {
		return nil
	}
	var errs []error
	if o.ClientID == "" {
		errs = append(errs, errors.New("oidc: a client id is required"))
	}
	if o.RedirectURL == "" {
		errs = append(errs, errors.New("oidc: a redirect url is required"))
	}
	if len(o.Operators) == 0 && len(o.Viewers) == 0 {
		errs = append(errs, errors.New("oidc: no claim value maps to a role (operators, viewers)"))
	}
	return errors.Join(errs...)
}

const (
	oidcCookie = "arca_oidc" // state, nonce and PKCE verifier of one sign-in, signed
	oidcTTL    = 10 * time.Minute
)

// oidcFlow is the provider, discovered on first use (a provider down at
// start does not stop the coordinator).
type oidcFlow struct {
	cfg OIDC
	mu  sync.Mutex
	p   *oidc.Provider
}

func (f *oidcFlow) provider(ctx context.Context) (*oidc.Provider, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.p != nil {
		return f.p, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, f.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc discovery %s: %w", f.cfg.Issuer, err)
	}
	f.p = p
	return p, nil
}

func (f *oidcFlow) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: f.cfg.ClientID, ClientSecret: f.cfg.ClientSecret, RedirectURL: f.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}
}

// pending is one sign-in under way, kept in a signed cookie.
type pending struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x"`
	Expires  int64  `json:"e"`
}

func (h *handler) oidcLogin(w http.ResponseWriter, r *http.Request) {
	req := &request{Request: r, lang: pickLang(r)}
	p, err := h.oidc.provider(r.Context())
	if err != nil {
		h.log.Error("console: oidc provider unavailable", "err", err)
		h.fail(w, req, http.StatusBadGateway, "oidc.down")
		return
	}
	next := r.URL.Query().Get("next")
	if !localPath(next) {
		next = Prefix
	}
	pd := pending{State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier(), Next: next,
		Expires: h.now().Add(oidcTTL).Unix()}
	payload, _ := json.Marshal(pd)
	// Lax: the provider's redirect back is a top-level GET from its origin.
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: h.sign(payload), Path: Prefix + "oidc/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode, MaxAge: int(oidcTTL.Seconds())})
	url := h.oidc.oauth(p).AuthCodeURL(pd.State, oidc.Nonce(pd.Nonce), oauth2.S256ChallengeOption(pd.Verifier))
	http.Redirect(w, r, url, http.StatusFound)
}

func (h *handler) oidcCallback(w http.ResponseWriter, r *http.Request) {
	req := &request{Request: r, lang: pickLang(r)}
	refuse := func(why string, err error) {
		h.log.Warn("console: oidc sign-in refused", "why", why, "err", err)
		h.fail(w, req, http.StatusUnauthorized, "oidc.refused")
	}
	c, err := r.Cookie(oidcCookie)
	if err != nil {
		refuse("no sign-in under way", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: Prefix + "oidc/", MaxAge: -1})
	payload, ok := h.verify(c.Value)
	var pd pending
	if !ok || json.Unmarshal(payload, &pd) != nil || h.now().Unix() >= pd.Expires {
		refuse("sign-in cookie invalid or expired", nil)
		return
	}
	if got := r.URL.Query().Get("state"); got == "" || got != pd.State {
		refuse("state mismatch", nil)
		return
	}
	if e := r.URL.Query().Get("error"); e != "" {
		refuse("provider error", errors.New(e))
		return
	}
	p, err := h.oidc.provider(r.Context())
	if err != nil {
		refuse("provider unavailable", err)
		return
	}
	tok, err := h.oidc.oauth(p).Exchange(r.Context(), r.URL.Query().Get("code"), oauth2.VerifierOption(pd.Verifier))
	if err != nil {
		refuse("code exchange", err)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: h.oidc.cfg.ClientID}).Verify(r.Context(), raw)
	if err != nil {
		refuse("id token", err)
		return
	}
	if idt.Nonce != pd.Nonce {
		refuse("nonce mismatch", nil)
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		refuse("claims", err)
		return
	}
	role := h.oidc.role(claims)
	if role == "" {
		refuse("no role for the subject's "+h.oidc.claimName(), nil)
		return
	}
	h.startSession(w, r, Credential{Label: "oidc:" + subjectLabel(claims, idt.Subject), Role: role}, h.now())
	http.Redirect(w, r, pd.Next, http.StatusSeeOther)
}

func (f *oidcFlow) claimName() string {
	if f.cfg.RoleClaim == "" {
		return "groups"
	}
	return f.cfg.RoleClaim
}

// role maps the role claim to a role; operator wins over viewer.
func (f *oidcFlow) role(claims map[string]any) string {
	var values []string
	switch v := claims[f.claimName()].(type) {
	case string:
		values = []string{v}
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				values = append(values, s)
			}
		}
	}
	for _, v := range values {
		if slices.Contains(f.cfg.Operators, v) {
			return RoleOperator
		}
	}
	for _, v := range values {
		if slices.Contains(f.cfg.Viewers, v) {
			return RoleViewer
		}
	}
	return ""
}

// subjectLabel names the person in the audit log: their e-mail when the
// provider gives one, else a hash of the subject (never a token).
func subjectLabel(claims map[string]any, sub string) string {
	if e, ok := claims["email"].(string); ok && e != "" {
		return e
	}
	sum := sha256.Sum256([]byte(sub))
	return "sub-" + base64.RawURLEncoding.EncodeToString(sum[:9])
}
