package messages

import (
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// Redacted stands where a secret was.
const Redacted = "xxxxx"

// RedactURL returns a connection string fit for an error or a log: the
// password of a URL (url.URL.Redacted), of each URL in a comma-separated
// list as NATS takes them, and of a key=value PostgreSQL DSN is replaced
// by xxxxx; so is a NATS token (nats://TOKEN@host), which is a secret
// although it sits where a user name would.
func RedactURL(s string) string {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		u, err := url.Parse(strings.TrimSpace(p))
		if err != nil || u.User == nil || u.Scheme == "" {
			parts[i] = RedactSecrets(p)
			continue
		}
		if _, ok := u.User.Password(); !ok && natsScheme(u.Scheme) {
			u.User = url.User(Redacted)
			parts[i] = u.String()
			continue
		}
		parts[i] = u.Redacted()
	}
	return strings.Join(parts, ",")
}

var (
	// scheme://user:password@ anywhere in a message. The password runs to
	// the last @ before a blank, quote or comma, so that one holding a
	// raw / or @ (which url.Parse refuses, quoting the whole URL in its
	// error) is still covered.
	urlPassword = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^\s"'/@:,]*):[^\s"',]*@`)
	// nats://token@ (no password): the token is the secret.
	natsToken = regexp.MustCompile(`((?:nats|tls|ws|wss)://)[^\s"'/@:,]+@`)
	// password=... in a key=value DSN or a query string.
	dsnPassword = regexp.MustCompile(`(?i)((?:password|passwd|pwd|sslpassword)\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&"',]*)`)
)

// RedactSecrets removes, from any message, the passwords of the URLs and
// DSNs it quotes (an error from url.Parse, a driver or a client library
// may quote a whole connection string). Every message Arca prints or logs
// passes through it (cmd/arca's exit line and log handler).
func RedactSecrets(msg string) string {
	msg = urlPassword.ReplaceAllString(msg, "${1}:"+Redacted+"@")
	msg = natsToken.ReplaceAllString(msg, "${1}"+Redacted+"@")
	return dsnPassword.ReplaceAllString(msg, "${1}"+Redacted)
}

// RedactAttr is a slog.HandlerOptions.ReplaceAttr that passes the message
// and every string or error attribute through RedactSecrets.
func RedactAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(RedactSecrets(a.Value.String()))
	case slog.KindAny:
		switch v := a.Value.Any().(type) {
		case error:
			a.Value = slog.StringValue(RedactSecrets(v.Error()))
		case interface{ String() string }:
			a.Value = slog.StringValue(RedactSecrets(v.String()))
		}
	}
	return a
}

func natsScheme(s string) bool {
	switch strings.ToLower(s) {
	case "nats", "tls", "ws", "wss":
		return true
	}
	return false
}

// RedactError wraps err so that its message passes through RedactSecrets;
// errors.Is and errors.As still see err.
func RedactError(err error) error {
	if err == nil {
		return nil
	}
	return redactedError{err}
}

type redactedError struct{ err error }

func (e redactedError) Error() string { return RedactSecrets(e.err.Error()) }
func (e redactedError) Unwrap() error { return e.err }

// OneLine is an error as one line for a terminal, a log or a report: its
// lines joined with "; ", runs of spaces folded, passwords redacted.
func OneLine(err error) string {
	return RedactSecrets(strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " "))
}
