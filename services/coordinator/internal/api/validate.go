package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// checkText refuses what PostgreSQL text cannot hold and a log line should
// not carry raw: a NUL byte or invalid UTF-8. Tenant ids are data (dots,
// spaces, any other character are fine), so nothing else is refused.
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", field)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("%s holds a NUL byte", field)
	}
	return nil
}

// validInput answers 400 before routing when the path or the query holds
// a NUL byte or invalid UTF-8 (after percent-decoding), so that no handler,
// query or log line ever sees one.
func validInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkText("the request path", r.URL.Path); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			writeError(w, http.StatusBadRequest, "the query string does not parse")
			return
		}
		for k, vs := range q {
			if err := checkText("a query parameter name", k); err != nil {
				writeError(w, http.StatusBadRequest, err.Error())
				return
			}
			for _, v := range vs {
				if err := checkText("query parameter "+k, v); err != nil {
					writeError(w, http.StatusBadRequest, err.Error())
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
