// Package follow follows backups through the pipeline's events until each
// is verified from the bucket, or fails, or the wait ends: what
// `arca backup --wait` reports.
//
//	EVENTS ─► Set.Await ─► Outcome.Apply: verify succeeded → verified
//	                                      verify failed → failed
//	                                      any stage failed or dead-lettered → its status
//	          deadline ─► every backup still queued → timeout
package follow

import (
	"context"
	"strconv"
	"time"

	"github.com/arcabackup/arca/pkg/messages"
)

// Statuses of an Outcome.
const (
	Queued   = "queued"
	Verified = "verified"
	Failed   = "failed"
	Timeout  = "timeout"
)

// Outcome is what --wait reports of one backup.
type Outcome struct {
	Tenant     string  `json:"tenant,omitempty"`
	BackupID   string  `json:"backup_id"`
	Status     string  `json:"status"` // verified, failed, dead_lettered, timeout
	Reason     string  `json:"reason,omitempty"`
	Tables     int     `json:"tables"`
	Rows       int64   `json:"rows"`
	PlainBytes int64   `json:"plain_bytes"`
	Bytes      int64   `json:"stored_bytes"`
	Seconds    float64 `json:"seconds"`
	Manifest   string  `json:"manifest_key,omitempty"`
}

// Apply updates the outcome with an event of its backup and reports
// whether the backup reached its final state with it.
func (o *Outcome) Apply(e messages.Event) bool {
	if o.Status != Queued || e.Part != nil || e.Attrs[messages.DestinationAttr] != "" {
		return false // decided already, one part's progress, or a further destination's copy
	}
	switch {
	case e.Stage == messages.StageVerify && e.Status == messages.StatusSucceeded:
		o.Status = Verified
		o.Tables, _ = strconv.Atoi(e.Attrs["tables"])
		o.Rows, _ = strconv.ParseInt(e.Attrs["rows"], 10, 64)
		o.PlainBytes, _ = strconv.ParseInt(e.Attrs["plain_bytes"], 10, 64)
		o.Bytes, o.Manifest = e.Bytes, e.Attrs["manifest"]
	case e.Stage == messages.StageVerify && e.Status == messages.StatusFailed:
		o.Status, o.Reason = Failed, e.Error
	case e.Status == messages.StatusDeadLettered || e.Status == messages.StatusFailed:
		o.Status, o.Reason = string(e.Status), e.Stage+": "+e.Error
	default:
		return false
	}
	return true
}

// Set is the backups a command follows, in the order they were started.
type Set struct {
	Order []*Outcome
	byID  map[string]*Outcome
	// queuedOnly: Run started the backups and did not wait for them.
	queuedOnly bool
}

// Add follows one more backup (queued).
func (s *Set) Add(tenant, backupID string) *Outcome {
	if s.byID == nil {
		s.byID = map[string]*Outcome{}
	}
	o := &Outcome{Tenant: tenant, BackupID: backupID, Status: Queued}
	s.byID[backupID] = o
	s.Order = append(s.Order, o)
	return o
}

// NotVerified counts the backups that were not verified.
func (s *Set) NotVerified() int {
	n := 0
	for _, o := range s.Order {
		if o.Status != Verified {
			n++
		}
	}
	return n
}

// Hooks let a caller show progress; any may be nil.
type Hooks struct {
	Tick    func()               // every second
	Event   func(messages.Event) // an event of a followed backup still queued
	Decided func(o *Outcome)     // a backup reached its final state
}

// Await follows the events until every backup reached its final state or
// timeout passed since start (the rest are then Timeout). The error is the
// context's.
func (s *Set) Await(ctx context.Context, events <-chan messages.Event, start time.Time, timeout time.Duration, h Hooks) error {
	deadline := time.After(timeout)
	left := len(s.byID)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for left > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			if h.Tick != nil {
				h.Tick()
			}
		case <-deadline:
			for _, o := range s.Order {
				if o.Status == Queued {
					o.Status, o.Reason = Timeout, "not verified within "+timeout.String()
				}
			}
			left = 0
		case e := <-events:
			o := s.byID[e.BackupID]
			if o == nil || o.Status != Queued {
				continue
			}
			if h.Event != nil {
				h.Event(e)
			}
			if !o.Apply(e) {
				continue
			}
			o.Seconds = time.Since(start).Seconds()
			left--
			if h.Decided != nil {
				h.Decided(o)
			}
		}
	}
	return nil
}
