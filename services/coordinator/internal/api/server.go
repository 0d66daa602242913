package api

import (
	"log/slog"
	"net/http"
)

// Handler serves the API with token auth.
func Handler(svc Service, token string, log *slog.Logger) http.Handler {
	h := &handlers{svc: svc, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	v1 := http.NewServeMux()
	v1.HandleFunc("GET /v1/tenants/{tenant}/backups", h.listBackups)
	v1.HandleFunc("POST /v1/tenants/{tenant}/backups", h.startBackup)
	v1.HandleFunc("GET /v1/runs/{run}", h.getRun)
	v1.HandleFunc("GET /v1/backups/{backup}", h.getBackup)
	v1.HandleFunc("POST /v1/restores", h.startRestore)
	v1.HandleFunc("GET /v1/restores/{restore}", h.getRestore)
	mux.Handle("/v1/", requireToken(token, validInput(v1)))
	return mux
}

type handlers struct {
	svc Service
	log *slog.Logger
}
