package stack

import (
	"os"
	"runtime/debug"
)

// Soft memory limits (GOMEMLIMIT) for the commands that move backups
// (#17): their live heap stays a few tens of MiB whatever the data's size
// (stack.TestMemoryStaysFlatWhateverTheTenantSize), but with the default
// GOGC alone the heap between collections, and so the RSS, follows the
// allocation rate of parts and chunks. Under the limit the collector runs
// sooner instead. GOMEMLIMIT in the environment wins.
const (
	DevMemoryLimit     = 192 << 20 // every stage and NATS in one process
	RestoreMemoryLimit = 64 << 20
)

// SoftMemoryLimit sets the soft memory limit to bytes, unless GOMEMLIMIT
// is set in the environment.
func SoftMemoryLimit(bytes int64) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(bytes)
	}
}
