package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"unicode/utf8"
)

// decodeBody reads a JSON body into v, refusing unknown fields and invalid
// UTF-8 (400); false when it has answered.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
		return false
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD.
	if !utf8.Valid(body) {
		writeError(w, http.StatusBadRequest, "body is not valid UTF-8")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
		return false
	}
	return true
}

func (h *handlers) startRestore(w http.ResponseWriter, r *http.Request) {
	var req RestoreRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if req.BackupID == "" || req.Target == "" {
		writeError(w, http.StatusBadRequest, "backup_id and target are required")
		return
	}
	for field, v := range map[string]string{"backup_id": req.BackupID, "target": req.Target} {
		if err := checkText(field, v); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	res, err := h.svc.StartRestore(r.Context(), req)
	if err != nil {
		fail(w, h.log, err)
		return
	}
	w.Header().Set("Location", "/v1/restores/"+res.ID)
	writeJSON(w, http.StatusAccepted, res)
}

func (h *handlers) getRestore(w http.ResponseWriter, r *http.Request) {
	res, err := h.svc.Restore(r.Context(), r.PathValue("restore"))
	if err != nil {
		fail(w, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// startTenantRestore schedules a tenant point-in-time restore: 202 with the
// restore (GET /v1/restores/{id} follows it), or 400/404 at once for what
// would fail (a bad or uncovered moment, a bad mode, an unknown tenant).
func (h *handlers) startTenantRestore(w http.ResponseWriter, r *http.Request) {
	var req TenantRestoreRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if req.At.IsZero() {
		writeError(w, http.StatusBadRequest, "at is required (RFC 3339, e.g. 2026-11-29T14:02:30Z)")
		return
	}
	for field, v := range map[string]string{"mode": req.Mode, "target": req.Target, "schema": req.Schema} {
		if err := checkText(field, v); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	res, err := h.svc.StartTenantRestore(r.Context(), r.PathValue("tenant"), req)
	if err != nil {
		fail(w, h.log, err)
		return
	}
	w.Header().Set("Location", "/v1/restores/"+res.ID)
	writeJSON(w, http.StatusAccepted, res)
}
