package snapshot

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
)

// Snapshot describes an exported snapshot and the server it was taken on.
type Snapshot struct {
	ID            string
	Time          time.Time // now() of the coordinating transaction
	WALLSN        string    // pg_current_wal_lsn(), or the replay LSN on a replica
	Replica       bool
	Database      string
	ServerVersion string
	ServerMajor   int
}

const describeSQL = `
SELECT pg_catalog.pg_export_snapshot(), now(), pg_catalog.pg_is_in_recovery(),
  (CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn()
        ELSE pg_catalog.pg_current_wal_lsn() END)::text,
  current_database()::text, current_setting('server_version'),
  current_setting('server_version_num')::int / 10000`

// Begin opens the coordinating transaction on conn and exports its
// snapshot. Commit or roll back tx when the export is done.
func Begin(ctx context.Context, conn *pgx.Conn) (pgx.Tx, Snapshot, error) {
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, Snapshot{}, fmt.Errorf("begin snapshot: %w", err)
	}
	var s Snapshot
	var lsn *string
	err = tx.QueryRow(ctx, describeSQL).Scan(&s.ID, &s.Time, &s.Replica, &lsn, &s.Database, &s.ServerVersion, &s.ServerMajor)
	if err != nil {
		_ = tx.Rollback(ctx)
		return nil, Snapshot{}, fmt.Errorf("export snapshot: %w", err)
	}
	if lsn != nil {
		s.WALLSN = *lsn
	}
	return tx, s, nil
}

var idPattern = regexp.MustCompile(`^[0-9A-Fa-f]+-[0-9A-Fa-f]+(-[0-9]+)?$`)

// Join starts a transaction on conn that sees exactly snapshot id.
func Join(ctx context.Context, conn *pgx.Conn, id string) (pgx.Tx, error) {
	if !idPattern.MatchString(id) {
		return nil, fmt.Errorf("join snapshot %q: not a snapshot id", id)
	}
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("join snapshot %s: %w", id, err)
	}
	// The id is checked above; SET TRANSACTION SNAPSHOT takes no parameters.
	if _, err := tx.Exec(ctx, "SET TRANSACTION SNAPSHOT '"+id+"'"); err != nil {
		_ = tx.Rollback(ctx)
		return nil, fmt.Errorf("join snapshot %s: %w", id, err)
	}
	return tx, nil
}
