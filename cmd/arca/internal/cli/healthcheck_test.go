package cli

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHealthcheckExitsZeroOnlyOn2xx(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer ok.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }))
	defer bad.Close()
	for url, want := range map[string]bool{ok.URL: true, bad.URL: false, "http://127.0.0.1:1/": false} {
		cmd := healthcheckCmd()
		cmd.SetArgs([]string{url})
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		if err := cmd.Execute(); (err == nil) != want {
			t.Errorf("%s: err %v, want ok %v", url, err, want)
		}
	}
}
