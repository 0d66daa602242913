package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"unicode/utf8"
)

func (h *handlers) startRestore(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD.
	if !utf8.Valid(body) {
		writeError(w, http.StatusBadRequest, "body is not valid UTF-8")
		return
	}
	var req RestoreRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
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
