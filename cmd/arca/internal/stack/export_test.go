package stack

import coordinator "github.com/arcabackup/arca/services/coordinator/service"

// ReadOneRunForTest is what ReadStatus returns for one run named.
func ReadOneRunForTest(run coordinator.Run, jobs []coordinator.Job) CatalogStatus {
	return CatalogStatus{Run: run, Jobs: jobs, one: true}
}
