package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

type opsData struct {
	Drills      []catalog.Drill
	Retention   []RetentionDecision
	RetentionNA bool
	Deletes     int
	Keys        []KeyVersion
	KeysNA      bool
}

// ops shows the drills, the retention plan and the key versions. The
// retention plan reads the bucket's manifests: it is computed on request.
func (h *handler) ops(w http.ResponseWriter, r *request) {
	ctx := r.Context()
	var d opsData
	var err error
	if d.Drills, err = h.svc.Drills(ctx, "", 10); err != nil {
		h.failErr(w, r, err)
		return
	}
	d.Retention, err = h.svc.RetentionPlan(ctx)
	switch {
	case errors.Is(err, ErrNotWired):
		d.RetentionNA = true
	case err != nil:
		h.failErr(w, r, err)
		return
	}
	for _, x := range d.Retention {
		if x.Action == "delete" {
			d.Deletes++
		}
	}
	d.Keys, err = h.svc.Keys(ctx)
	switch {
	case errors.Is(err, ErrNotWired):
		d.KeysNA = true
	case err != nil:
		h.failErr(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "ops", translate(r.lang, "ops"), d, 0)
}

// startDrill runs a drill now: operators only, audited.
func (h *handler) startDrill(w http.ResponseWriter, r *request) {
	ctx := r.Context()
	entry := catalog.AuditEntry{Actor: r.session.actor(), Action: "drill.start"}
	if r.session.Role != RoleOperator {
		entry.Action, entry.Detail = "drill.refused", "reason=viewer"
		if err := h.svc.AddAudit(ctx, entry); err != nil {
			h.log.Error("console: audit not written", "err", err)
		}
		h.fail(w, r, http.StatusForbidden, "forbidden")
		return
	}
	run, err := h.svc.StartDrill(ctx)
	if errors.Is(err, ErrNotWired) {
		h.fail(w, r, http.StatusNotImplemented, "notwired")
		return
	}
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	entry.Subject = run.ID
	if err := h.svc.AddAudit(ctx, entry); err != nil {
		h.log.Error("console: audit not written for a started drill", "run", run.ID, "err", err)
	}
	http.Redirect(w, r.Request, Prefix+"runs/"+run.ID, http.StatusSeeOther)
}

// erasure describes a tenant's keys for its page: its own versions and
// whether they were destroyed.
type erasure struct {
	Known     bool
	Own       []KeyVersion // the tenant's own key versions
	Destroyed bool         // every own version destroyed: the tenant's backups no longer open
}

func (h *handler) erasureOf(r *request, tenant string) erasure {
	keys, err := h.svc.Keys(r.Context())
	if err != nil {
		if !errors.Is(err, ErrNotWired) {
			h.log.Warn("console: key versions not read", "err", err)
		}
		return erasure{}
	}
	e := erasure{Known: true}
	for _, k := range keys {
		if k.Tenant == tenant {
			e.Own = append(e.Own, k)
		}
	}
	e.Destroyed = len(e.Own) > 0
	for _, k := range e.Own {
		e.Destroyed = e.Destroyed && k.Destroyed != nil
	}
	return e
}

func joinReasons(rs []string) string { return strings.Join(rs, "; ") }
