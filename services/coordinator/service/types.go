package service

import (
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// Catalog rows, as the CLI and the API show them (JSON-tagged).
type (
	Run     = catalog.Run
	Job     = catalog.Job
	Backup  = catalog.Backup
	Restore = catalog.Restore
	Copy    = catalog.Copy
)

// ErrNotFound is returned for an unknown run, backup or restore.
var ErrNotFound = catalog.ErrNotFound

// Job states (see docs/state-machine.md).
const (
	JobQueued       = catalog.JobQueued
	JobRunning      = catalog.JobRunning
	JobCommitted    = catalog.JobCommitted
	JobVerified     = catalog.JobVerified
	JobFailed       = catalog.JobFailed
	JobDeadLettered = catalog.JobDeadLettered
	JobSkipped      = catalog.JobSkipped
	JobExpired      = catalog.JobExpired
)

// Run states.
const (
	RunFanningOut = catalog.RunFanningOut
	RunRunning    = catalog.RunRunning
	RunDone       = catalog.RunDone
	RunFailed     = catalog.RunFailed
)
