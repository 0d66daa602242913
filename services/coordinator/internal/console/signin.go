package console

import (
	"crypto/subtle"
	"net/http"
	"time"
)

type signinData struct {
	OIDC  bool
	Next  string
	Token string // the sign-in form's CSRF token
	Bad   bool
}

func (h *handler) signinForm(w http.ResponseWriter, r *http.Request) {
	h.showSignin(w, r, http.StatusOK, false)
}

func (h *handler) showSignin(w http.ResponseWriter, r *http.Request, status int, bad bool) {
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: signinCookie, Value: tok, Path: Prefix + "signin", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	next := r.FormValue("next")
	if !localPath(next) {
		next = Prefix
	}
	req := &request{Request: r, lang: pickLang(r)}
	h.render(w, req, status, "signin", translate(req.lang, "signin"), signinData{OIDC: h.oidc != nil, Next: next, Token: tok, Bad: bad}, 0)
}

// signin checks the form's CSRF token against its cookie (double submit:
// there is no session yet), then the credential.
func (h *handler) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	c, err := r.Cookie(signinCookie)
	got := r.PostFormValue("csrf")
	if err != nil || got == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(got)) != 1 {
		h.fail(w, &request{Request: r, lang: pickLang(r)}, http.StatusForbidden, "csrf")
		return
	}
	cred, ok := h.authenticate(r.PostFormValue("token"))
	if !ok {
		h.log.Warn("console: sign-in refused", "remote", r.RemoteAddr)
		h.showSignin(w, r, http.StatusUnauthorized, true)
		return
	}
	h.startSession(w, r, cred, h.now())
	next := r.PostFormValue("next")
	if !localPath(next) {
		next = Prefix
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *handler) signout(w http.ResponseWriter, r *request) {
	if err := h.svc.SignOut(r.Context(), r.session.Nonce, time.Unix(r.session.Expires, 0)); err != nil {
		h.failErr(w, r, err)
		return
	}
	endSession(w, r.Request)
	http.Redirect(w, r.Request, Prefix+"signin", http.StatusSeeOther)
}
