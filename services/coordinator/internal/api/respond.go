package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Error is the body of every error response.
type Error struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, Error{Error: msg})
}

// fail maps a service error to a status; server errors are logged, not
// shown (they may name internals).
func fail(w http.ResponseWriter, log *slog.Logger, err error) {
	switch {
	case errors.Is(err, catalog.ErrNotFound), errors.Is(err, ErrUnknownTenant):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, ErrInvalid):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, ErrNoExecutor):
		writeError(w, http.StatusNotImplemented, err.Error())
	default:
		log.Error("api: request failed", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
	}
}
