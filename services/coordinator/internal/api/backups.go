package api

import (
	"net/http"
	"strconv"

	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// BackupList is the body of GET /v1/tenants/{tenant}/backups.
type BackupList struct {
	Tenant  string           `json:"tenant"`
	Backups []catalog.Backup `json:"backups"`
}

func (h *handlers) listBackups(w http.ResponseWriter, r *http.Request) {
	limit := 100
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, "limit must be between 1 and 1000")
			return
		}
		limit = n
	}
	tenant := r.PathValue("tenant")
	list, err := h.svc.Backups(r.Context(), tenant, limit)
	if err != nil {
		fail(w, h.log, err)
		return
	}
	if list == nil {
		list = []catalog.Backup{}
	}
	writeJSON(w, http.StatusOK, BackupList{Tenant: tenant, Backups: list})
}

// Started is the body of a 202 from POST /v1/tenants/{tenant}/backups.
type Started struct {
	Run        string `json:"run"`
	BackupID   string `json:"backup_id"`
	Tenant     string `json:"tenant"`
	State      string `json:"state"`                 // queued, or skipped when one is in flight
	SkippedFor string `json:"skipped_for,omitempty"` // the backup in flight
}

func (h *handlers) startBackup(w http.ResponseWriter, r *http.Request) {
	tenant := r.PathValue("tenant")
	job, err := h.svc.StartTenantBackup(r.Context(), tenant)
	if err != nil {
		fail(w, h.log, err)
		return
	}
	w.Header().Set("Location", "/v1/runs/"+job.RunID)
	writeJSON(w, http.StatusAccepted, Started{
		Run: job.RunID, BackupID: job.BackupID, Tenant: tenant, State: job.State, SkippedFor: job.SkippedFor,
	})
}

func (h *handlers) getBackup(w http.ResponseWriter, r *http.Request) {
	b, err := h.svc.Backup(r.Context(), r.PathValue("backup"))
	if err != nil {
		fail(w, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// CopyList is the body of GET /v1/backups/{backup}/copies.
type CopyList struct {
	BackupID string         `json:"backup_id"`
	Copies   []catalog.Copy `json:"copies"`
}

// getCopies lists a backup's copies in the further destinations; an
// unknown backup is a 404, one without copies an empty list.
func (h *handlers) getCopies(w http.ResponseWriter, r *http.Request) {
	b, err := h.svc.Backup(r.Context(), r.PathValue("backup"))
	if err != nil {
		fail(w, h.log, err)
		return
	}
	copies, err := h.svc.Copies(r.Context(), b.BackupID)
	if err != nil {
		fail(w, h.log, err)
		return
	}
	if copies == nil {
		copies = []catalog.Copy{}
	}
	writeJSON(w, http.StatusOK, CopyList{BackupID: b.BackupID, Copies: copies})
}
