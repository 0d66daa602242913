package tenantpitr

import (
	"time"

	"github.com/arcabackup/arca/pkg/restore"
)

// The steps of a tenant point-in-time restore, in order.
const (
	StepBaseBackup = "base backup" // fetch and unpack into the scratch directory
	StepRecovery   = "recovery"    // start the scratch cluster, replay WAL to At, promote
	StepExport     = "export"      // the tenant out of the scratch cluster, sealed
	StepRestore    = "restore"     // the tenant into the live database
	StepCleanup    = "cleanup"     // scratch cluster stopped and removed
)

// Step is one step's progress: Duration is zero when it starts.
type Step struct {
	Name     string        `json:"name"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	Detail   string        `json:"detail,omitempty"`
}

// Result tells what Restore did.
type Result struct {
	Tenant string    `json:"tenant"`
	At     time.Time `json:"at"`
	// BaseBackup is the base backup recovered; ServerVersion its major.
	BaseBackup    string `json:"base_backup"`
	ServerVersion string `json:"server_version"`
	// RecoveredTo is the commit time of the last transaction replayed (at
	// or before At); zero when none was replayed after the base backup.
	RecoveredTo time.Time `json:"recovered_to,omitzero"`
	// Restore is the tenant restore into the live database.
	Restore restore.Result `json:"restore"`
	Steps   []Step         `json:"steps"`
	// RTO is the whole restore, from the request to the scratch cluster
	// removed.
	RTO time.Duration `json:"rto_ns"`
	// ScratchRemoved: the scratch cluster was stopped and its directory
	// removed.
	ScratchRemoved bool `json:"scratch_removed"`
}
