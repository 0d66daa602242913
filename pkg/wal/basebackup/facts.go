package basebackup

import (
	"fmt"
	"io"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/texttable"
)

// Facts are the base-backup facts recorded in the manifest's Export field.
type Facts struct {
	Label         string    `json:"label"`
	Timeline      uint32    `json:"timeline"`
	StartLSN      string    `json:"start_lsn"`
	StopLSN       string    `json:"stop_lsn"`
	CheckpointLSN string    `json:"checkpoint_lsn"`
	StartWAL      string    `json:"start_wal"`
	StopWAL       string    `json:"stop_wal"`
	StartTime     time.Time `json:"start_time"`
	StopTime      time.Time `json:"stop_time"`
	// ServerStartTime is backup_label's START TIME as the server wrote it.
	ServerStartTime string `json:"server_start_time"`
	ServerVersion   string `json:"server_version"` // PG_VERSION: the major version
	SegmentSize     int64  `json:"segment_size"`
}

// Backup is one committed base backup.
type Backup struct {
	Manifest backup.Manifest
	Facts    Facts
}

// WriteText is the backup in one line, as arca backup base prints it.
func (b Backup) WriteText(w io.Writer) {
	fmt.Fprintf(w, "base backup %s: WAL %s → %s (%s), %s sealed\n", b.Manifest.BackupID,
		b.Facts.StartWAL, b.Facts.StopWAL, b.Facts.StopTime.Format(time.RFC3339), texttable.Bytes(b.Manifest.Object.Size))
}
