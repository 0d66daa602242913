package retention

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Plan is the decision for every backup, in a stable order: by kind, tenant,
// newest first, then backup id.
type Plan struct {
	Now       time.Time  `json:"now"`
	Decisions []Decision `json:"decisions"`
}

// Decision says what happens to one backup and why.
type Decision struct {
	Backup
	Action  Action   `json:"action"`
	Reasons []string `json:"reasons"`
}

// Action is keep or delete.
type Action string

const (
	Keep   Action = "keep"
	Delete Action = "delete"
)

// Deletions are the decisions to delete, in plan order.
func (p Plan) Deletions() []Decision {
	var out []Decision
	for _, d := range p.Decisions {
		if d.Action == Delete {
			out = append(out, d)
		}
	}
	return out
}

// Plan decides, at now, which backups to keep and which to delete. It is a
// pure function of its arguments; call Validate on the policy first.
func (p Policy) Plan(backups []Backup, now time.Time) Plan {
	sorted := slices.Clone(backups)
	slices.SortStableFunc(sorted, compareBackups)
	reasons := make([][]string, len(sorted))
	// Backups of a group are contiguous and newest first.
	for start := 0; start < len(sorted); {
		end := start + 1
		for end < len(sorted) && sorted[end].group() == sorted[start].group() {
			end++
		}
		p.decideGroup(sorted[start:end], reasons[start:end], now)
		start = end
	}
	plan := Plan{Now: now, Decisions: make([]Decision, len(sorted))}
	for i, b := range sorted {
		d := Decision{Backup: b, Action: Keep, Reasons: reasons[i]}
		if len(d.Reasons) == 0 {
			d.Action, d.Reasons = Delete, []string{p.expiry(b.Kind)}
		}
		plan.Decisions[i] = d
	}
	return plan
}

// compareBackups orders by kind, tenant, newest first, then backup id.
func compareBackups(a, b Backup) int {
	return cmp.Or(
		cmp.Compare(a.Kind, b.Kind),
		cmp.Compare(a.Tenant, b.Tenant),
		b.CreatedAt.Compare(a.CreatedAt),
		cmp.Compare(a.BackupID, b.BackupID),
	)
}

// decideGroup adds the reasons to keep each backup of one group, given
// newest first.
func (p Policy) decideGroup(bs []Backup, reasons [][]string, now time.Time) {
	keep := func(i int, format string, args ...any) {
		reasons[i] = append(reasons[i], fmt.Sprintf(format, args...))
	}
	for i, b := range bs {
		for _, h := range p.Holds {
			if h.covers(b) {
				keep(i, "legal hold: %s", h.Reason)
			}
		}
		if b.RetainUntil.After(now) {
			keep(i, "retained until %s (manifest)", b.RetainUntil.UTC().Format(time.DateOnly))
		}
	}
	g := bs[0].group()
	if i := newest(bs, Verified); i >= 0 {
		keep(i, "newest verified of %s", g)
	} else if i := newest(bs, NotVerified); i >= 0 {
		keep(i, "newest of %s (none verified yet)", g)
	}
	k, ok := p.Kinds[g.kind]
	if !ok {
		for i := range bs {
			keep(i, "no retention policy for kind %s", g.kind)
		}
		return
	}
	cutoff := now.AddDate(0, 0, -k.KeepDays)
	for i, b := range bs {
		if !b.CreatedAt.Before(cutoff) {
			keep(i, "within %d days", k.KeepDays)
		}
	}
	for _, s := range k.slots() {
		if s.on() {
			for i, slot := range fillSlots(bs, s, now) {
				keep(i, "%s GFS slot %s", s.period, slot)
			}
		}
	}
}

// newest is the index of the newest backup with verification v, or -1.
func newest(bs []Backup, v Verification) int {
	return slices.IndexFunc(bs, func(b Backup) bool { return b.Verification == v })
}

// fillSlots picks the best backup of each period, newest periods first,
// and returns the chosen indexes with their period keys.
func fillSlots(bs []Backup, s periodSlots, now time.Time) map[int]string {
	var cutoff time.Time
	if s.WithinDays > 0 {
		cutoff = now.AddDate(0, 0, -s.WithinDays)
	}
	chosen := map[int]string{}
	best, bestKey := -1, ""
	flush := func() {
		if best >= 0 && (s.Count == 0 || len(chosen) < s.Count) {
			chosen[best] = bestKey
		}
		best = -1
	}
	for i, b := range bs {
		if b.Verification == VerificationFailed || b.CreatedAt.Before(cutoff) {
			continue
		}
		if key := s.period.key(b.CreatedAt); key != bestKey {
			flush()
			bestKey = key
		}
		// Newest first: the first of a period wins unless a verified one
		// comes after an unchecked one.
		if best < 0 || (bs[best].Verification != Verified && b.Verification == Verified) {
			best = i
		}
	}
	flush()
	return chosen
}

func (p Policy) expiry(kind string) string {
	k := p.Kinds[kind]
	reason := fmt.Sprintf("expired: older than %d days", k.KeepDays)
	if slices.ContainsFunc(k.slots(), func(s periodSlots) bool { return s.on() }) {
		reason += " and in no GFS slot"
	}
	return reason
}
