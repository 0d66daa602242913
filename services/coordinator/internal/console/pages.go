package console

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// tenantRow is one line of the overview.
type tenantRow struct {
	catalog.TenantSummary
	Tenant  catalog.Backup // newest tenant-kind backup (zero if none)
	Has     bool
	Age     time.Duration
	Stale   bool
	DrillOK bool
}

// wholeRow is one whole-database kind on the overview.
type wholeRow struct {
	Kind   string
	Backup catalog.Backup
	Has    bool
	Age    time.Duration
}

type overviewData struct {
	Query     string // the tenant filter: a part of the id
	StaleOnly bool
	Total     int // tenants before the filter
	Whole     []wholeRow
	WAL       *catalog.Stage
	Rows      []tenantRow
	Fleet     Fleet
	Runs      []catalog.Run
	Stale     int
}

func (h *handler) overview(w http.ResponseWriter, r *request) {
	ctx := r.Context()
	tenants, err := h.svc.Tenants(ctx)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	fleet, err := h.svc.Fleet(ctx)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	runs, err := h.svc.Runs(ctx, 10)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	whole, err := h.svc.Whole(ctx)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	now := h.now()
	d := overviewData{Fleet: fleet, Runs: runs, WAL: whole.WALCheck,
		Query: strings.TrimSpace(r.URL.Query().Get("q")), StaleOnly: r.URL.Query().Get("stale") == "1"}
	for _, kind := range []string{"full", "base"} {
		row := wholeRow{Kind: kind}
		row.Backup, row.Has = whole.Newest[kind]
		if at := newestGood(row.Backup); row.Has && at != nil {
			row.Age = now.Sub(*at)
		}
		d.Whole = append(d.Whole, row)
	}
	for _, t := range tenants {
		row := tenantRow{TenantSummary: t}
		row.Tenant, row.Has = t.Newest["tenant"]
		if at := newestGood(row.Tenant); row.Has && at != nil {
			row.Age = now.Sub(*at)
			row.Stale = row.Age > h.cfg.Stale
		} else {
			row.Stale = !t.Removed
		}
		row.DrillOK = t.Drill != nil && t.Drill.Status == "succeeded"
		if row.Stale {
			d.Stale++
		}
		d.Total++
		if (d.StaleOnly && !row.Stale) || (d.Query != "" && !strings.Contains(strings.ToLower(t.Tenant), strings.ToLower(d.Query))) {
			continue
		}
		d.Rows = append(d.Rows, row)
	}
	h.render(w, r, http.StatusOK, "overview", translate(r.lang, "overview"), d, 0)
}

// newestGood is when a backup last proved itself: verified, or committed.
func newestGood(b catalog.Backup) *time.Time {
	if b.VerifiedAt != nil {
		return b.VerifiedAt
	}
	return b.CommittedAt
}

type tenantData struct {
	ID       string
	Erasure  erasure
	Backups  []catalog.Backup
	Drills   []catalog.Drill
	Restores []catalog.Restore
	Audit    []catalog.AuditEntry
}

func (h *handler) tenant(w http.ResponseWriter, r *request) {
	ctx := r.Context()
	id := r.PathValue("tenant")
	d := tenantData{ID: id}
	var err error
	if d.Backups, err = h.svc.Backups(ctx, id, 50); err != nil {
		h.failErr(w, r, err)
		return
	}
	if d.Drills, err = h.svc.Drills(ctx, id, 10); err != nil {
		h.failErr(w, r, err)
		return
	}
	if d.Restores, err = h.svc.Restores(ctx, id, 10); err != nil {
		h.failErr(w, r, err)
		return
	}
	if d.Audit, err = h.svc.Audit(ctx, id, 10); err != nil {
		h.failErr(w, r, err)
		return
	}
	if len(d.Backups) == 0 && len(d.Drills) == 0 && len(d.Restores) == 0 && !h.knownTenant(r, id) {
		h.fail(w, r, http.StatusNotFound, "notfound")
		return
	}
	d.Erasure = h.erasureOf(r, id)
	h.render(w, r, http.StatusOK, "tenant", translate(r.lang, "tenant")+" "+id, d, 0)
}

func (h *handler) knownTenant(r *request, id string) bool {
	list, err := h.svc.Tenants(r.Context())
	if err != nil {
		return false
	}
	for _, t := range list {
		if t.Tenant == id {
			return true
		}
	}
	return false
}

type backupData struct {
	Backup catalog.Backup
	Stages []catalog.Stage
	Copies []catalog.Copy // in the further destinations
	Trace  string
}

func (h *handler) backup(w http.ResponseWriter, r *request) {
	ctx := r.Context()
	b, err := h.svc.Backup(ctx, r.PathValue("backup"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	stages, err := h.svc.Stages(ctx, b.BackupID)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	copies, err := h.svc.Copies(ctx, b.BackupID)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	d := backupData{Backup: b, Stages: stages, Copies: copies}
	if h.cfg.JaegerURL != "" {
		tags := `{"arca.backup_id":"` + b.BackupID + `"}`
		d.Trace = h.cfg.JaegerURL + "/search?service=arca-exporter&tags=" + url.QueryEscape(tags)
	}
	h.render(w, r, http.StatusOK, "backup", translate(r.lang, "backup")+" "+b.BackupID, d, 0)
}

type runData struct {
	Run  catalog.Run
	Jobs []catalog.Job
}

func (h *handler) run(w http.ResponseWriter, r *request) {
	run, jobs, err := h.svc.Run(r.Context(), r.PathValue("run"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	refresh := 0
	if !run.Finished() {
		refresh = 3
	}
	h.render(w, r, http.StatusOK, "run", translate(r.lang, "run")+" "+run.ID, runData{Run: run, Jobs: jobs}, refresh)
}

func (h *handler) audit(w http.ResponseWriter, r *request) {
	list, err := h.svc.Audit(r.Context(), "", 200)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "audit", translate(r.lang, "audit"), list, 0)
}
