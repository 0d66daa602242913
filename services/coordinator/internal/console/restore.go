package console

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/texttable"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// targetName is what a scratch database's suffix or a side-by-side schema
// may be called.
var targetName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,40}$`)

type restoreFormData struct {
	Tenant  string
	Backups []catalog.Backup // restorable ones, newest first
	Problem string           // a message key, when the form came back
	Form    restoreChoice
}

// restoreChoice is what the form asks; the plan page carries it on.
type restoreChoice struct {
	BackupID string
	At       string
	Mode     string
	Target   string
}

type planData struct {
	Tenant  string
	Choice  restoreChoice
	Backup  catalog.Backup
	Summary string // the mode's plan, one sentence
	Deletes string // what the restore deletes
	Problem string
	Plan    *Plan // nil when no planner is wired
	Rows    int64 // the rows the restore writes
	Deleted int64 // the live rows a replace deletes
	Replace bool
}

func restorable(b catalog.Backup) bool {
	return b.Kind == "tenant" && b.ManifestKey != "" && b.State != catalog.JobFailed
}

func (h *handler) restoreForm(w http.ResponseWriter, r *request) {
	tenant := r.PathValue("tenant")
	h.showRestoreForm(w, r, http.StatusOK, tenant, restoreChoice{BackupID: r.URL.Query().Get("backup"),
		Mode: catalog.RestoreIntoSchema, Target: defaultSchema(tenant, h.now())}, "")
}

// defaultSchema names a side-by-side copy after the tenant and the minute,
// so two restores of a day do not collide.
func defaultSchema(tenant string, now time.Time) string {
	s := strings.Map(func(c rune) rune {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			return c
		case c >= 'A' && c <= 'Z':
			return c + 'a' - 'A'
		}
		return '_'
	}, tenant)
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "t_" + s
	}
	return strings.TrimRight(s[:min(len(s), 24)], "_") + "_" + now.UTC().Format("20060102_1504")
}

func (h *handler) showRestoreForm(w http.ResponseWriter, r *request, status int, tenant string, c restoreChoice, problem string) {
	all, err := h.svc.Backups(r.Context(), tenant, 200)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	d := restoreFormData{Tenant: tenant, Form: c, Problem: problem}
	for _, b := range all {
		if restorable(b) {
			d.Backups = append(d.Backups, b)
		}
	}
	if d.Form.BackupID == "" && len(d.Backups) > 0 {
		d.Form.BackupID = d.Backups[0].BackupID
	}
	h.render(w, r, status, "restore", translate(r.lang, "restore")+" "+tenant, d, 0)
}

// choose resolves the form to one backup of the tenant: the one picked, or
// the newest committed at or before the time given.
func (h *handler) choose(r *request, tenant string, c restoreChoice) (catalog.Backup, string, error) {
	switch c.Mode {
	case catalog.RestoreIntoSchema, catalog.RestoreTarget:
		if !targetName.MatchString(c.Target) {
			return catalog.Backup{}, "badrequest", nil
		}
	case catalog.RestoreReplace:
	default:
		return catalog.Backup{}, "badrequest", nil
	}
	all, err := h.svc.Backups(r.Context(), tenant, 1000)
	if err != nil {
		return catalog.Backup{}, "", err
	}
	var at time.Time
	if c.At != "" {
		t, err := time.Parse("2006-01-02T15:04", c.At)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, c.At); err != nil {
				return catalog.Backup{}, "badrequest", nil
			}
		}
		at = t.UTC()
	}
	for _, b := range all {
		if !restorable(b) || b.CommittedAt == nil {
			continue
		}
		if c.At == "" && b.BackupID == c.BackupID {
			return b, "", nil
		}
		if c.At != "" && !b.CommittedAt.After(at) {
			return b, "", nil // newest first
		}
	}
	return catalog.Backup{}, "notfound", nil
}

func choiceFrom(r *http.Request) restoreChoice {
	return restoreChoice{BackupID: r.PostFormValue("backup"), At: strings.TrimSpace(r.PostFormValue("at")),
		Mode: r.PostFormValue("mode"), Target: strings.TrimSpace(r.PostFormValue("target"))}
}

// restorePlan shows what the restore will do and asks for the tenant's id.
func (h *handler) restorePlan(w http.ResponseWriter, r *request) {
	tenant := r.PathValue("tenant")
	c := choiceFrom(r.Request)
	b, problem, err := h.choose(r, tenant, c)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	if problem != "" {
		h.showRestoreForm(w, r, http.StatusBadRequest, tenant, c, problem)
		return
	}
	c.BackupID, c.At = b.BackupID, ""
	h.showPlan(w, r, http.StatusOK, tenant, c, b, "")
}

func (h *handler) showPlan(w http.ResponseWriter, r *request, status int, tenant string, c restoreChoice, b catalog.Backup, problem string) {
	p := page{Lang: r.lang}
	verification := p.T("none")
	if b.VerifiedAt != nil {
		verification = p.T("verified") + " " + formatTime(b.VerifiedAt)
	}
	if b.Error != "" {
		verification = b.Error
	}
	d := planData{Tenant: tenant, Choice: c, Backup: b, Problem: problem, Deletes: p.T("plan.nothing")}
	switch c.Mode {
	case catalog.RestoreIntoSchema:
		d.Summary = p.T("plan.into_schema", c.Target)
	case catalog.RestoreTarget:
		d.Summary = p.T("plan.target", c.Target)
	case catalog.RestoreReplace:
		d.Summary = p.T("plan.replace", tenant)
		d.Deletes = p.T("plan.replace", tenant)
	}
	d.Summary += " " + p.T("plan.backup", b.BackupID, formatTime(b.CommittedAt), texttable.Bytes(b.Bytes), texttable.Bytes(b.PlainBytes), b.Parts, verification)
	d.Replace = c.Mode == catalog.RestoreReplace
	plan, err := h.svc.PlanRestore(r.Context(), RestoreRequest{BackupID: b.BackupID, Mode: c.Mode, Target: c.Target})
	switch {
	case errors.Is(err, ErrNoPlan):
	case err != nil:
		// The plan by table is a help, not a gate: say it is missing.
		h.log.Warn("console: restore plan failed", "backup", b.BackupID, "err", err)
		d.Problem = "plan.failed"
	default:
		d.Plan = &plan
		for _, t := range plan.Tables {
			d.Rows += t.Rows
			d.Deleted += t.Deletes
		}
		if d.Replace {
			d.Deletes = p.T("plan.deletes.rows", d.Deleted, tenant)
			if plan.Schema != "" {
				d.Deletes += " " + p.T("plan.deletes.schema", plan.Schema)
			}
		}
	}
	h.render(w, r, status, "plan", translate(r.lang, "restore.plan")+" "+tenant, d, 0)
}

// startRestore starts a confirmed restore: operators only, the tenant's id
// typed, the choice checked again. Every attempt is audited.
func (h *handler) startRestore(w http.ResponseWriter, r *request) {
	ctx := r.Context()
	tenant := r.PostFormValue("tenant")
	c := choiceFrom(r.Request)
	entry := catalog.AuditEntry{Actor: r.session.actor(), Tenant: tenant, Subject: c.BackupID,
		Detail: fmt.Sprintf("mode=%s target=%s", c.Mode, c.Target)}
	refuse := func(status int, key, why string) {
		entry.Action, entry.Detail = "restore.refused", entry.Detail+" reason="+why
		if err := h.svc.AddAudit(ctx, entry); err != nil {
			h.log.Error("console: audit not written", "err", err)
		}
		h.fail(w, r, status, key)
	}
	if r.session.Role != RoleOperator {
		refuse(http.StatusForbidden, "forbidden", "viewer")
		return
	}
	b, problem, err := h.choose(r, tenant, c)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	if problem != "" {
		refuse(http.StatusBadRequest, problem, problem)
		return
	}
	if r.PostFormValue("confirm") != tenant {
		h.showPlan(w, r, http.StatusBadRequest, tenant, c, b, "confirm.mismatch")
		return
	}
	target := c.Target
	switch c.Mode {
	case catalog.RestoreReplace:
		target = ""
	case catalog.RestoreTarget: // the page names the database in full (plan.target)
		target = "arca_restore_" + c.Target
	}
	res, err := h.svc.StartRestore(ctx, RestoreRequest{BackupID: b.BackupID, Mode: c.Mode, Target: target})
	if err != nil {
		entry.Action = "restore.failed_to_start"
		_ = h.svc.AddAudit(ctx, entry)
		h.failErr(w, r, err)
		return
	}
	entry.Action, entry.Subject = "restore.start", res.ID
	entry.Detail = fmt.Sprintf("backup=%s mode=%s target=%s", b.BackupID, c.Mode, target)
	if err := h.svc.AddAudit(ctx, entry); err != nil {
		// The restore runs: say so in the log rather than hide it.
		h.log.Error("console: audit not written for a started restore", "restore", res.ID, "err", err)
	}
	http.Redirect(w, r.Request, Prefix+"restores/"+res.ID, http.StatusSeeOther)
}

func (h *handler) restoreStatus(w http.ResponseWriter, r *request) {
	res, err := h.svc.Restore(r.Context(), r.PathValue("restore"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	refresh := 0
	if res.State == catalog.RestoreRequested || res.State == catalog.RestoreRunning {
		refresh = 2
	}
	h.render(w, r, http.StatusOK, "restore_status", translate(r.lang, "restore")+" "+res.ID, res, refresh)
}
