package pdtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

func (r *Receiver) handle(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	switch {
	case req.Method != http.MethodPost || req.URL.Path != "/v2/enqueue":
		writeJSON(w, http.StatusNotFound, map[string]any{"status": "not found", "message": "unknown path"})
		return
	case r.failWith == http.StatusTooManyRequests:
		writeJSON(w, r.failWith, map[string]any{"status": "throttle event", "message": "Requests for this service are arriving too quickly. Please retry later."})
		return
	case r.failWith != 0:
		writeJSON(w, r.failWith, map[string]any{"status": "error", "message": "internal server error"})
		return
	}
	var ev Event
	if err := json.NewDecoder(req.Body).Decode(&ev); err != nil {
		r.reject(w, "body is not JSON: "+err.Error())
		return
	}
	if problems := validate(ev); len(problems) > 0 {
		r.reject(w, problems...)
		return
	}
	r.accepted = append(r.accepted, ev)
	r.apply(ev)
	writeJSON(w, http.StatusAccepted, map[string]any{"status": "success", "message": "Event processed", "dedup_key": ev.DedupKey})
}

func (r *Receiver) reject(w http.ResponseWriter, problems ...string) {
	r.invalid = append(r.invalid, problems...)
	writeJSON(w, http.StatusBadRequest, map[string]any{"status": "invalid event", "message": "Event object is invalid", "errors": problems})
}

func validate(ev Event) []string {
	var p []string
	if len(ev.RoutingKey) != 32 {
		p = append(p, fmt.Sprintf("'routing_key' must be 32 characters, got %d", len(ev.RoutingKey)))
	}
	if !slices.Contains([]string{"trigger", "acknowledge", "resolve"}, ev.Action) {
		p = append(p, "'event_action' is invalid (must be one of trigger, acknowledge, resolve)")
	}
	if ev.DedupKey == "" && ev.Action != "trigger" {
		p = append(p, "'dedup_key' is required for "+ev.Action)
	}
	if len(ev.DedupKey) > 255 {
		p = append(p, "'dedup_key' is longer than 255 characters")
	}
	if ev.Action != "trigger" {
		return p
	}
	if ev.Payload == nil {
		return append(p, "'payload' is missing or null")
	}
	if ev.Payload.Summary == "" || len(ev.Payload.Summary) > 1024 {
		p = append(p, "'payload.summary' must be 1 to 1024 characters")
	}
	if ev.Payload.Source == "" {
		p = append(p, "'payload.source' is missing or blank")
	}
	if !slices.Contains([]string{"critical", "error", "warning", "info"}, ev.Payload.Severity) {
		p = append(p, "'payload.severity' is invalid (must be one of critical, error, warning, info)")
	}
	return p
}

// apply updates the incidents: a trigger opens (or joins) the key's
// incident, a resolve closes it.
func (r *Receiver) apply(ev Event) {
	in := r.incidents[ev.DedupKey]
	if in == nil {
		in = &Incident{}
		r.incidents[ev.DedupKey] = in
	}
	switch ev.Action {
	case "trigger":
		if !in.Open {
			r.created++
		}
		in.Open = true
		in.Triggers++
		in.Summary, in.Severity, in.Routing = ev.Payload.Summary, ev.Payload.Severity, ev.RoutingKey
	case "resolve":
		in.Open = false
	}
}
