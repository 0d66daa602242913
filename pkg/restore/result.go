package restore

import "time"

// Result reports a tenant restore. It holds names and counts, never row
// data.
type Result struct {
	BackupID string `json:"backup_id"`
	Tenant   string `json:"tenant"`
	Mode     Mode   `json:"mode"`
	// Schema is where the tenant's own schema now is (empty for a
	// column-model tenant restored in place).
	Schema string        `json:"schema,omitempty"`
	Tables []TableResult `json:"tables"`
	// Deleted counts the tenant's rows deleted from shared tables
	// (ModeReplace).
	Deleted int64 `json:"deleted,omitempty"`
	// Orphans counts rows no tenant owned that the backup's rows replaced
	// under the same primary key (ModeReplace).
	Orphans int64 `json:"orphans_replaced,omitempty"`
	// Kept counts rows the delete removed that the backup does not hold and
	// another tenant also owns: put back, never lost (ModeReplace).
	Kept int64 `json:"shared_rows_kept,omitempty"`
	// Restored counts the tenant's own rows loaded; ReferenceInserted the
	// reference rows inserted because they were missing, ReferencePresent
	// those already there (never overwritten).
	Restored          int64 `json:"rows_restored"`
	ReferenceInserted int64 `json:"reference_rows_inserted"`
	ReferencePresent  int64 `json:"reference_rows_present"`
	// Created lists the tables created because the database lacked them.
	Created []string `json:"created,omitempty"`
	// Warnings name what could not be restored exactly (a column type
	// missing in the target, a foreign key not recreated); names only.
	Warnings   []string      `json:"warnings,omitempty"`
	PlainBytes int64         `json:"plain_bytes"`
	Duration   time.Duration `json:"duration_ns"`
}

// TableResult is one table of the archive as restored.
type TableResult struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	// Into is the table the rows went to, quoted.
	Into string `json:"into"`
	Rows int64  `json:"rows"`
	// Skipped counts reference rows already present (never overwritten).
	Skipped int64 `json:"skipped,omitempty"`
}

// Rows counts every row loaded, the tenant's and the reference rows
// inserted.
func (r Result) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// summarize totals the per-table counts.
func (r *Result) summarize() {
	r.Restored, r.ReferenceInserted, r.ReferencePresent = 0, 0, 0
	for _, t := range r.Tables {
		if t.Role == "reference" {
			r.ReferenceInserted += t.Rows
			r.ReferencePresent += t.Skipped
			continue
		}
		r.Restored += t.Rows
	}
}
