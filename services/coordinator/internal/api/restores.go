package api

import (
	"encoding/json"
	"net/http"
)

func (h *handlers) startRestore(w http.ResponseWriter, r *http.Request) {
	var req RestoreRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	if req.BackupID == "" || req.Target == "" {
		writeError(w, http.StatusBadRequest, "backup_id and target are required")
		return
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
