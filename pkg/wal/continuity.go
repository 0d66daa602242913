package wal

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Continuity is the result of CheckContinuity.
type Continuity struct {
	CheckedAt time.Time
	// Newest is the most recently archived segment (by the store's
	// LastModified), zero when the archive holds none; Age is CheckedAt
	// minus its LastModified.
	Newest Archived
	Age    time.Duration
	// Stale: Age exceeds the threshold, so the RPO is at risk.
	Stale bool
	// Gaps lists the segments missing between each base backup's start and
	// the newest segment of its timeline.
	Gaps []Gap
	// Forks lists the timelines whose parent went on archiving past the
	// switch point after the timeline's history was archived: two clusters
	// (a restored copy beside the primary) write into one archive.
	Forks []Fork
}

// Fork is a timeline that branched from history its parent kept writing.
type Fork struct {
	Timeline, Parent uint32
	At               LSN
	// ParentNewest is the parent's newest segment archived after the fork.
	ParentNewest string
	// ParentSegments counts them.
	ParentSegments int
}

// Gap is a run of missing segments that a base backup's replay needs.
type Gap struct {
	Backup      string
	First, Last string // segment names, inclusive
}

// OK reports whether the archive is continuous and fresh.
func (c Continuity) OK() bool { return !c.Stale && len(c.Gaps) == 0 && len(c.Forks) == 0 }

// Err is nil when OK, otherwise a *ContinuityError.
func (c Continuity) Err() error {
	if c.OK() {
		return nil
	}
	return &ContinuityError{Continuity: c}
}

// ContinuityError carries a failed check, for alerting.
type ContinuityError struct{ Continuity Continuity }

func (e *ContinuityError) Error() string {
	var parts []string
	for _, f := range e.Continuity.Forks {
		parts = append(parts, fmt.Sprintf("timeline %d forks from timeline %d at %s, which went on archiving (%d segments since, up to %s): two clusters share this archive",
			f.Timeline, f.Parent, f.At, f.ParentSegments, f.ParentNewest))
	}
	for _, g := range e.Continuity.Gaps {
		parts = append(parts, fmt.Sprintf("base backup %s needs %s..%s, missing", g.Backup, g.First, g.Last))
	}
	if e.Continuity.Stale {
		if e.Continuity.Newest.Name == "" {
			parts = append(parts, "no WAL segment archived")
		} else {
			parts = append(parts, fmt.Sprintf("newest archived segment %s is %s old", e.Continuity.Newest.Name, e.Continuity.Age.Round(time.Second)))
		}
	}
	return "WAL archive check: " + strings.Join(parts, "; ")
}

// CheckOptions tune CheckContinuity.
type CheckOptions struct {
	MaxAge time.Duration    // the newest segment older than this is Stale (0: never)
	Now    func() time.Time // time.Now
}

// CheckContinuity lists the archive and checks, for every base backup, that
// each segment from its start segment to the newest segment of its timeline
// is present, and how old the newest segment is. A listing failure is an
// error; a gap or staleness is reported in the result (see Continuity.Err).
func CheckContinuity(ctx context.Context, cfg Config, bases []Base, opts CheckOptions) (Continuity, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	files, err := List(ctx, cfg)
	if err != nil {
		return Continuity{}, err
	}
	c := Continuity{CheckedAt: now()}
	seg := cfg.segSize()
	present := map[uint32]map[uint64]bool{}
	newestNo := map[uint32]uint64{}
	for _, f := range files {
		if f.Kind != KindSegment && f.Kind != KindPartial && f.Kind != KindStream {
			continue
		}
		// Equal times are common (S3 keeps seconds, a filesystem the
		// kernel's clock tick): the later name is then the newer segment.
		if f.LastModified.After(c.Newest.LastModified) || (f.LastModified.Equal(c.Newest.LastModified) && f.Name > c.Newest.Name) {
			c.Newest = f
		}
		if f.Kind != KindSegment {
			continue
		}
		if present[f.Timeline] == nil {
			present[f.Timeline] = map[uint64]bool{}
		}
		no := f.SegNo(seg)
		present[f.Timeline][no] = true
		newestNo[f.Timeline] = max(newestNo[f.Timeline], no)
	}
	if c.Newest.Name != "" {
		c.Age = c.CheckedAt.Sub(c.Newest.LastModified)
	}
	c.Stale = opts.MaxAge > 0 && (c.Newest.Name == "" || c.Age > opts.MaxAge)
	if c.Forks, err = forks(ctx, cfg, files); err != nil {
		return c, err
	}
	for _, b := range bases {
		start, err := ParseName(b.StartWAL)
		if err != nil || start.Kind != KindSegment {
			return c, fmt.Errorf("base backup %s: start segment %q: %v", b.ID, b.StartWAL, err)
		}
		c.Gaps = append(c.Gaps, gaps(b.ID, start, present[start.Timeline], newestNo[start.Timeline], seg)...)
	}
	return c, nil
}

// gaps lists the missing runs from start to newest on start's timeline.
func gaps(id string, start File, present map[uint64]bool, newest uint64, seg int64) []Gap {
	from := start.SegNo(seg)
	if newest < from {
		newest = from // nothing archived since the backup began: its start is missing
	}
	var out []Gap
	for no := from; no <= newest; no++ {
		if present[no] {
			continue
		}
		end := no
		for end+1 <= newest && !present[end+1] {
			end++
		}
		out = append(out, Gap{Backup: id, First: SegmentName(start.Timeline, no, seg), Last: SegmentName(start.Timeline, end, seg)})
		no = end
	}
	return out
}

// forks finds the timelines whose parent archived segments past the switch
// point after the timeline's history was archived. A failover leaves none:
// the old primary stopped before its standby was promoted.
func forks(ctx context.Context, cfg Config, files []Archived) ([]Fork, error) {
	var out []Fork
	for _, h := range files {
		if h.Kind != KindHistory || h.Timeline <= 1 {
			continue
		}
		sw, err := readHistory(ctx, cfg, h)
		if err != nil {
			return nil, err
		}
		f := Fork{Timeline: sw.Timeline, Parent: sw.Parent, At: sw.At}
		seg := cfg.segSize()
		for _, p := range files {
			if p.Kind == KindSegment && p.Timeline == sw.Parent && p.SegNo(seg) > segNoOf(sw.At, seg) && p.LastModified.After(h.LastModified) {
				f.ParentSegments++
				f.ParentNewest = p.Name
			}
		}
		if f.ParentSegments > 0 {
			out = append(out, f)
		}
	}
	return out, nil
}
