package messages

import (
	"fmt"
	"slices"
)

// Kind is the kind of backup an artifact is.
type Kind string

const (
	KindTenant Kind = "tenant" // one tenant's logical export
	KindFull   Kind = "full"   // pg_dump of the whole database
	KindBase   Kind = "base"   // physical base backup
	KindWAL    Kind = "wal"    // one WAL segment or history file
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case KindTenant, KindFull, KindBase, KindWAL:
		return true
	}
	return false
}

// Status is the outcome an event records.
type Status string

const (
	StatusStarted      Status = "started"
	StatusSucceeded    Status = "succeeded"
	StatusFailed       Status = "failed"        // gave up: the artifact will not be committed
	StatusRetrying     Status = "retrying"      // a delivery failed and will be retried
	StatusDeadLettered Status = "dead_lettered" // the job is in the DLQ; an operator must act
	// StatusProgress: one part of the job is done and the stage goes on
	// (PartDone). A subject of its own keeps the other statuses' subjects
	// one event per job, and lets consumers that follow only outcomes
	// filter the parts out.
	StatusProgress Status = "progress"
)

// outcomes are the statuses that say how a job went: every status but
// StatusProgress.
var outcomes = []Status{StatusStarted, StatusSucceeded, StatusFailed, StatusRetrying, StatusDeadLettered}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == StatusProgress || slices.Contains(outcomes, s) }

// OutcomeEventFilters match every event but the per-part progress ones: what
// a consumer that follows whole jobs (the catalog, the alerter) reads.
func OutcomeEventFilters() []string {
	out := make([]string, len(outcomes))
	for i, s := range outcomes {
		out[i] = "events.*.*.*." + string(s)
	}
	return out
}

func (k Kind) String() string { return string(k) }

func (s Status) String() string { return fmt.Sprint(string(s)) }
