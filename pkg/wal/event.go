package wal

import (
	"time"

	"github.com/arcabackup/arca/pkg/messages"
)

// CheckEvent is the event that records one check of the archive or the
// stream (stage wal-archive, wal-slot or wal-stream): succeeded, or failed
// with the problem, for the alerter to page on.
func CheckEvent(stage, problem string) messages.Event {
	e := messages.Event{Kind: messages.KindWAL, Stage: stage, Status: messages.StatusSucceeded, Time: time.Now().UTC()}
	if problem != "" {
		e.Status, e.Error = messages.StatusFailed, problem
	}
	return e
}
