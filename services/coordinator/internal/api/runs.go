package api

import (
	"net/http"

	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// RunStatus is the body of GET /v1/runs/{run}.
type RunStatus struct {
	catalog.Run
	JobList []catalog.Job `json:"job_list"`
}

func (h *handlers) getRun(w http.ResponseWriter, r *http.Request) {
	run, jobs, err := h.svc.Run(r.Context(), r.PathValue("run"))
	if err != nil {
		fail(w, h.log, err)
		return
	}
	if jobs == nil {
		jobs = []catalog.Job{}
	}
	writeJSON(w, http.StatusOK, RunStatus{Run: run, JobList: jobs})
}
