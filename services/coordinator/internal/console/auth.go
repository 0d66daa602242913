package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Roles. A viewer reads every page; an operator may also restore.
const (
	RoleViewer   = "viewer"
	RoleOperator = "operator"
)

// Credential is a token that signs in with a role. Label names it in the
// audit log (the token itself is never written anywhere).
type Credential struct {
	Label string
	Token string
	Role  string
}

const (
	sessionCookie = "arca_session"
	signinCookie  = "arca_signin" // the sign-in form's CSRF token, before any session
	sessionTTL    = 8 * time.Hour
)

// session is what the signed cookie holds.
type session struct {
	Role    string `json:"r"`
	Label   string `json:"l"`
	Expires int64  `json:"e"`
	Nonce   string `json:"n"` // binds the CSRF token to this session
}

func (s session) actor() string { return s.Role + ":" + s.Label }

// keys derives the session key from every credential, so replicas sharing
// the configuration accept each other's sessions and changing a token signs
// everyone out.
func sessionKey(creds []Credential) []byte {
	m := hmac.New(sha256.New, []byte("arca console session v1"))
	for _, c := range creds {
		m.Write([]byte(c.Role + "\x00" + c.Label + "\x00" + c.Token + "\x00"))
	}
	return m.Sum(nil)
}

// authenticate returns the credential a token names. Every candidate is
// compared, hashed, in constant time; empty tokens never match.
func (h *handler) authenticate(token string) (Credential, bool) {
	got := sha256.Sum256([]byte(token))
	var found Credential
	ok := false
	for _, c := range h.creds {
		want := sha256.Sum256([]byte(c.Token))
		if subtle.ConstantTimeCompare(got[:], want[:]) == 1 && c.Token != "" && token != "" {
			found, ok = c, true
		}
	}
	return found, ok
}

func (h *handler) sign(payload []byte) string {
	m := hmac.New(sha256.New, h.key)
	m.Write(payload)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (h *handler) verify(value string) ([]byte, bool) {
	p, sig, ok := strings.Cut(value, ".")
	if !ok {
		return nil, false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return nil, false
	}
	m := hmac.New(sha256.New, h.key)
	m.Write(payload)
	return payload, hmac.Equal(mac, m.Sum(nil))
}

func randomToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (h *handler) startSession(w http.ResponseWriter, r *http.Request, c Credential, now time.Time) {
	s := session{Role: c.Role, Label: c.Label, Expires: now.Add(sessionTTL).Unix(), Nonce: randomToken()}
	payload, _ := json.Marshal(s)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: h.sign(payload), Path: "/console/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: int(sessionTTL.Seconds())})
}

func endSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/console/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

var errNoSession = errors.New("no valid session")

// session reads and checks the request's session cookie.
func (h *handler) session(r *http.Request, now time.Time) (session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, errNoSession
	}
	payload, ok := h.verify(c.Value)
	if !ok {
		return session{}, errNoSession
	}
	var s session
	if json.Unmarshal(payload, &s) != nil || now.Unix() >= s.Expires || s.Nonce == "" {
		return session{}, errNoSession
	}
	return s, nil
}

// csrfToken is the token every form of a session carries.
func (h *handler) csrfToken(s session) string {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte("csrf\x00" + s.Nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF accepts a POST only with the session's token in the form.
func (h *handler) checkCSRF(r *http.Request, s session) bool {
	got := r.PostFormValue("csrf")
	want := h.csrfToken(s)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
