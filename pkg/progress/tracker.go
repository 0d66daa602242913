package progress

import (
	"slices"
	"strconv"
	"time"

	"github.com/arcabackup/arca/pkg/messages"
)

// Stages are the stages every part of a backup passes, in order; each
// publishes an event per part done (messages.Event with Part set).
var Stages = []string{messages.StageExport, messages.StageEncrypt, messages.StageUpload, messages.StageVerify}

// Step is one part done by one stage.
type Step struct {
	Tenant, BackupID, Stage string
	Kind                    messages.Kind
	Part                    int   // from 0
	Bytes                   int64 // the part's bytes at that stage (plaintext for export, sealed after)
	Parts                   int   // the backup's parts, 0 while its export runs
	Done                    int   // parts of the backup this stage has done
	StageBytes              int64 // bytes of the backup this stage has done
}

// StageProgress is how far one stage is over every backup of the run.
type StageProgress struct {
	Stage string
	Parts int
	Bytes int64
	// Rate is the stage's bytes per second over the last Window.
	Rate      float64
	RateKnown bool
}

// Snapshot is the run as the events so far tell it.
type Snapshot struct {
	Backups, Finished, Failed int
	Stages                    []StageProgress // in the order of Stages
	// Parts is the parts of every backup; PartsKnown says whether every
	// export has told its count (the last part, or the export's end).
	Parts      int
	PartsKnown bool
	// Latest is the stage of the latest part done ("" before any).
	Latest string
	// ETA is the time left: from the parts left to every stage once all
	// counts are known, else from the backups finished so far.
	ETA      time.Duration
	ETAKnown bool
	// ETAEstimated: some export has not told its part count yet, and the
	// count an earlier backup had stands in for it (Expect).
	ETAEstimated bool
	Elapsed      time.Duration
}

// Stage returns the progress of one stage.
func (s Snapshot) Stage(name string) StageProgress {
	for _, st := range s.Stages {
		if st.Stage == name {
			return st
		}
	}
	return StageProgress{Stage: name}
}

type backupState struct {
	artifact string
	parts    int                      // 0 while unknown
	expected int                      // an estimate of parts while unknown (Expect)
	done     map[string]map[int]int64 // stage → part → bytes
	finished bool
}

func (b *backupState) count(stage string) (parts int, bytes int64) {
	for _, n := range b.done[stage] {
		parts++
		bytes += n
	}
	return parts, bytes
}

// Tracker follows the backups of one run from their events. Not safe for
// concurrent use.
type Tracker struct {
	now       func() time.Time
	start     time.Time
	total     int
	finished  int
	failed    int
	backups   map[string]*backupState
	stageRate map[string]*Meter // bytes per stage
	steps     *Meter            // parts done summed over stages, for the ETA
	latest    string
	estimated bool // the steps' total stands on an Expect
}

// NewTracker follows a run of backups backups, started now.
func NewTracker(now func() time.Time, backups int) *Tracker {
	t := &Tracker{now: now, start: now(), total: backups, backups: map[string]*backupState{},
		stageRate: map[string]*Meter{}, steps: NewMeter(now, 0)}
	for _, s := range Stages {
		t.stageRate[s] = NewMeter(now, 0)
	}
	return t
}

func (t *Tracker) backup(id string) *backupState {
	b := t.backups[id]
	if b == nil {
		b = &backupState{done: map[string]map[int]int64{}}
		t.backups[id] = b
	}
	return b
}

// Observe records an event of the run. A part newly done by a stage is
// returned as a Step (ok true); repeats (redeliveries) and parts of an
// export attempt that was replaced are not.
func (t *Tracker) Observe(e messages.Event) (step Step, ok bool) {
	if e.BackupID == "" || e.Attrs[messages.DestinationAttr] != "" {
		return Step{}, false // a further destination's copy is not this backup's progress
	}
	b := t.backup(e.BackupID)
	if e.Part == nil {
		if e.Stage == messages.StageExport && e.Status == messages.StatusSucceeded {
			if n, err := strconv.Atoi(e.Attrs["parts"]); err == nil && n > 0 {
				b.parts = n
			}
		}
		return Step{}, false
	}
	if e.Status != messages.StatusProgress || !slices.Contains(Stages, e.Stage) || *e.Part < 0 {
		return Step{}, false
	}
	art := e.Attrs["artifact"]
	switch {
	case art == "" || art == b.artifact:
	case e.Stage == messages.StageExport:
		// A new export attempt reads a new snapshot: its parts replace
		// every part counted so far.
		if b.artifact != "" {
			b.done, b.parts = map[string]map[int]int64{}, 0
		}
		b.artifact = art
	case b.artifact != "":
		return Step{}, false // a part of an abandoned attempt
	}
	part := *e.Part
	if b.done[e.Stage] == nil {
		b.done[e.Stage] = map[int]int64{}
	}
	if _, seen := b.done[e.Stage][part]; seen {
		return Step{}, false
	}
	b.done[e.Stage][part] = e.Bytes
	if e.Stage == messages.StageExport && e.Attrs["last"] == "true" {
		b.parts = part + 1
	}
	t.latest = e.Stage
	t.refresh()
	done, bytes := b.count(e.Stage)
	return Step{Tenant: e.Tenant, BackupID: e.BackupID, Stage: e.Stage, Kind: e.Kind, Part: part, Bytes: e.Bytes,
		Parts: b.parts, Done: done, StageBytes: bytes}, true
}

// Expect gives an estimate of a backup's part count (an earlier backup's of
// the same tenant), which stands in for the count until its export tells
// it: the ETA is then known, and marked estimated, while the export runs.
func (t *Tracker) Expect(backupID string, parts int) {
	if parts > 0 {
		t.backup(backupID).expected = parts
		t.refresh()
	}
}

// Finished records a backup's outcome (verified or not).
func (t *Tracker) Finished(backupID string, verified bool) {
	b := t.backup(backupID)
	if b.finished {
		return
	}
	b.finished = true
	t.finished++
	if !verified {
		t.failed++
	}
	t.refresh()
}

// refresh feeds the meters from the counts.
func (t *Tracker) refresh() {
	var steps, left int64
	known, estimated := true, false
	for _, s := range Stages {
		var bytes int64
		for _, b := range t.backups {
			_, n := b.count(s)
			bytes += n
		}
		t.stageRate[s].Set(bytes)
	}
	for _, b := range t.backups {
		var done int
		for _, s := range Stages {
			n, _ := b.count(s)
			done += n
		}
		steps += int64(done)
		switch {
		case b.finished:
		case b.parts == 0 && b.expected > 0:
			exported, _ := b.count(messages.StageExport)
			left += int64(max(len(Stages)*max(b.expected, exported+1)-done, 0))
			estimated = true
		case b.parts == 0:
			known = false
		default:
			left += int64(max(len(Stages)*b.parts-done, 0))
		}
	}
	t.steps.Set(steps)
	t.estimated = estimated
	if known && len(t.backups) >= t.total {
		t.steps.SetTotal(steps + left)
	} else {
		t.steps.SetTotal(0)
	}
}

// Snapshot tells the run as it stands.
func (t *Tracker) Snapshot() Snapshot {
	s := Snapshot{Backups: t.total, Finished: t.finished, Failed: t.failed, Latest: t.latest, Elapsed: t.now().Sub(t.start)}
	for _, name := range Stages {
		p := StageProgress{Stage: name}
		for _, b := range t.backups {
			n, bytes := b.count(name)
			p.Parts += n
			p.Bytes += bytes
		}
		p.Rate, p.RateKnown = t.stageRate[name].Rate()
		s.Stages = append(s.Stages, p)
	}
	s.PartsKnown = len(t.backups) >= t.total
	for _, b := range t.backups {
		s.Parts += b.parts
		if b.parts == 0 {
			s.PartsKnown = false
		}
	}
	s.ETA, s.ETAKnown = t.steps.ETA()
	s.ETAEstimated = s.ETAKnown && t.estimated
	if !s.ETAKnown && t.finished > 0 && t.finished < t.total {
		s.ETA = s.Elapsed / time.Duration(t.finished) * time.Duration(t.total-t.finished)
		s.ETAKnown = true
	}
	return s
}
