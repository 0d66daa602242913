package progress

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/texttable"
)

// RateETA is "12.3 MiB/s, ETA 40s" from a meter of bytes, "…" before a
// rate is known.
func RateETA(m *Meter) string {
	rate, ok := m.Rate()
	if !ok {
		return "…"
	}
	s := texttable.Bytes(int64(rate)) + "/s"
	if eta, ok := m.ETA(); ok && m.Done() < m.Total() {
		s += ", ETA " + texttable.Age(eta)
	}
	return s
}

// Summary is the run in one line: "backups 1/3 done · export 3/3 (96.0
// MiB) · encrypt 2/3 · upload 1/3 · verify 0/3 · upload 12.0 MiB/s · ETA
// 40s · 6s".
func Summary(s Snapshot) string {
	line := fmt.Sprintf("backups %d/%d done", s.Finished, s.Backups)
	if s.Failed > 0 {
		line += fmt.Sprintf(" (%d not verified)", s.Failed)
	}
	if s.Latest != "" {
		line += " · " + stageCounts(s)
		if st := s.Stage(s.Latest); st.RateKnown {
			line += fmt.Sprintf(" · %s %s/s", s.Latest, texttable.Bytes(int64(st.Rate)))
		}
	}
	if s.ETAKnown && s.Finished < s.Backups {
		line += " · ETA " + eta(s)
	}
	return line + " · " + texttable.Age(s.Elapsed)
}

// stageCounts is "export 3/3 (96.0 MiB) · encrypt 2/3 · upload 1/3 · verify 0/3".
func stageCounts(s Snapshot) string {
	of := ""
	if s.PartsKnown {
		of = "/" + strconv.Itoa(s.Parts)
	}
	var parts []string
	for _, st := range s.Stages {
		p := fmt.Sprintf("%s %d%s", st.Stage, st.Parts, of)
		if st.Stage == messages.StageExport {
			p += " (" + texttable.Bytes(st.Bytes) + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " · ")
}

// StepLine is one part done by one stage: how many of the backup's parts
// the stage has done (parts move through a stage concurrently, so the part
// just done need not be the highest), its bytes so far, the stage's rate,
// the run's ETA and time so far:
// "acme b1: upload 2/3 parts, 64.0 MiB uploaded (part 3), 12.0 MiB/s, ETA 18s, 6s".
func StepLine(st Step, s Snapshot) string {
	of := "?"
	if st.Parts > 0 {
		of = strconv.Itoa(st.Parts)
	}
	who := st.Tenant
	if who == "" {
		who = string(st.Kind) // a full backup: the whole database
	}
	line := fmt.Sprintf("%s %s: %s %d/%s parts, %s %s (part %d)", who, st.BackupID, st.Stage, st.Done, of,
		texttable.Bytes(st.StageBytes), pastTense[st.Stage], st.Part+1)
	if r := s.Stage(st.Stage); r.RateKnown {
		line += ", " + texttable.Bytes(int64(r.Rate)) + "/s"
	}
	if s.ETAKnown {
		line += ", ETA " + eta(s)
	}
	return line + ", " + texttable.Age(s.Elapsed)
}

// eta is "40s", or "~40s" while it stands on an earlier backup's size.
func eta(s Snapshot) string {
	if s.ETAEstimated {
		return "~" + texttable.Age(s.ETA)
	}
	return texttable.Age(s.ETA)
}

var pastTense = map[string]string{
	messages.StageExport: "exported", messages.StageEncrypt: "sealed",
	messages.StageUpload: "uploaded", messages.StageVerify: "verified",
}
