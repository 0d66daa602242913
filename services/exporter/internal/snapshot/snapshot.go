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
	return BeginWith(ctx, conn, nil, nil)
}

// BeginWith is Begin with more statements sent in the same round trip as
// the snapshot's (queue adds them to the batch), whose results read takes
// in the order queued: a statement of the export that needs the snapshot
// costs no round trip of its own.
func BeginWith(ctx context.Context, conn *pgx.Conn, queue func(*pgx.Batch), read func(pgx.BatchResults) error) (pgx.Tx, Snapshot, error) {
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, Snapshot{}, fmt.Errorf("begin snapshot: %w", err)
	}
	b := &pgx.Batch{}
	b.Queue(describeSQL)
	if queue != nil {
		queue(b)
	}
	br := tx.SendBatch(ctx, b)
	var s Snapshot
	var lsn *string
	err = br.QueryRow().Scan(&s.ID, &s.Time, &s.Replica, &lsn, &s.Database, &s.ServerVersion, &s.ServerMajor)
	if err != nil {
		_ = br.Close()
		_ = tx.Rollback(ctx)
		return nil, Snapshot{}, fmt.Errorf("export snapshot: %w", err)
	}
	if lsn != nil {
		s.WALLSN = *lsn
	}
	if read != nil {
		err = read(br)
	}
	if cerr := br.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("export snapshot: %w", cerr)
	}
	if err != nil {
		_ = tx.Rollback(ctx)
		return nil, Snapshot{}, err
	}
	return tx, s, nil
}

// JoinAndBind starts a transaction on conn that sees exactly snapshot id
// and runs bind's statement in it, all in one round trip (an explicit
// BEGIN in a pipeline opens a transaction that outlasts it): a copy
// session would otherwise pay three. End it with COMMIT or ROLLBACK on
// conn.
func JoinAndBind(ctx context.Context, conn *pgx.Conn, id, bindSQL string, bindArgs ...any) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("join snapshot %q: not a snapshot id", id)
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
	// The id is checked above; SET TRANSACTION SNAPSHOT takes no parameters.
	b.Queue("SET TRANSACTION SNAPSHOT '" + id + "'")
	b.Queue(bindSQL, bindArgs...)
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("join snapshot %s: %w", id, err)
	}
	return nil
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
