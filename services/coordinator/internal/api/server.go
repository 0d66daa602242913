package api

import (
	"log/slog"
	"net/http"
)

// route is one pattern of the API and its handler; docs/openapi.yaml must
// list exactly these (openapi_test.go).
type route struct {
	pattern string // "METHOD /path/{param}"
	handle  http.HandlerFunc
	public  bool // served without the bearer token
}

func (h *handlers) routes() []route {
	return []route{
		{"GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) }, true},
		{"GET /v1/tenants/{tenant}/backups", h.listBackups, false},
		{"POST /v1/tenants/{tenant}/backups", h.startBackup, false},
		{"GET /v1/runs/{run}", h.getRun, false},
		{"GET /v1/backups/{backup}", h.getBackup, false},
		{"GET /v1/backups/{backup}/copies", h.getCopies, false},
		{"POST /v1/restores", h.startRestore, false},
		{"GET /v1/restores/{restore}", h.getRestore, false},
		{"POST /v1/tenants/{tenant}/restores", h.startTenantRestore, false},
	}
}

// Handler serves the API with token auth.
func Handler(svc Service, token string, log *slog.Logger) http.Handler {
	h := &handlers{svc: svc, log: log}
	mux := http.NewServeMux()
	v1 := http.NewServeMux()
	for _, r := range h.routes() {
		if r.public {
			mux.HandleFunc(r.pattern, r.handle)
		} else {
			v1.HandleFunc(r.pattern, r.handle)
		}
	}
	mux.Handle("/v1/", requireToken(token, validInput(v1)))
	return mux
}

type handlers struct {
	svc Service
	log *slog.Logger
}
