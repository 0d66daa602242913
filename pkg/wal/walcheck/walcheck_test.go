package walcheck_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
	"github.com/arcabackup/arca/pkg/wal/walcheck"
)

// bucket is a filesystem bucket with one base backup starting at segment 1
// and the WAL segments named.
func bucket(t *testing.T, segments ...string) walcheck.Scheduled {
	t.Helper()
	cfg, kr := pgtest.BaseBackups(t, map[string]string{"b1": "000000010000000000000001"}, segments...)
	return walcheck.Scheduled{Store: cfg.Store, Layout: cfg.Layout, Keys: fixedKeys{kr}, MaxAge: time.Hour}
}

type fixedKeys struct{ kr *keyring.Keyring }

func (k fixedKeys) Keyring(context.Context) (*keyring.Keyring, error) { return k.kr, nil }

func TestScheduledCheckRecordsTheArchiveAndTheStream(t *testing.T) {
	t.Parallel()
	var got []messages.Event
	record := func(_ context.Context, e messages.Event) { got = append(got, e) }

	ok := bucket(t, "000000010000000000000001", "000000010000000000000002")
	ok.Record = record
	require.NoError(t, ok.CheckWAL(t.Context()))
	require.Len(t, got, 1)
	require.Equal(t, messages.StageWALArchive, got[0].Stage)
	require.Equal(t, messages.StatusSucceeded, got[0].Status)

	got = nil
	gap := bucket(t, "000000010000000000000001", "000000010000000000000003")
	gap.Record = record
	err := gap.CheckWAL(t.Context())
	var ce *wal.ContinuityError
	require.ErrorAs(t, err, &ce)
	require.Len(t, got, 1)
	require.Equal(t, messages.StatusFailed, got[0].Status)
	require.Equal(t, err.Error(), got[0].Error)

	// With a slot, the stream is checked too, and its failure joins the
	// archive's.
	got = nil
	gap.Slot, gap.PrimaryURL = "arca", "postgres://127.0.0.1:1/none?connect_timeout=5"
	err = gap.CheckWAL(t.Context())
	require.ErrorAs(t, err, &ce)
	require.ErrorContains(t, err, "wal-check: connect to the primary")
	require.Len(t, got, 1, "a stream never read is not recorded")
}

// A further destination's copy of the archive is compared with the
// primary's at each check: a segment it lacks (past the grace) pages
// copy-missing for it; once completed, the check says it is whole, which
// resolves the page. What sorts before its first key, its own retention
// may have pruned.
func TestScheduledCheckComparesEachCopyOfTheArchive(t *testing.T) {
	t.Parallel()
	var got []messages.Event
	s := bucket(t, "000000010000000000000001", "000000010000000000000002", "000000010000000000000003", "000000010000000000000004")
	s.Record = func(_ context.Context, e messages.Event) { got = append(got, e) }
	s.Grace = time.Nanosecond
	dr, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	s.Copies = destinations.Set{{Name: "dr", Store: dr}}
	_, err = destinations.Sync(t.Context(), s.Store, dr, s.Layout.KindPrefix("base"))
	require.NoError(t, err)
	// dr pruned segment 1 (its retention) and never got segment 3.
	for _, seg := range []string{"000000010000000000000002", "000000010000000000000004"} {
		_, err := destinations.Copy(t.Context(), s.Store, dr, s.Layout.WAL("00000001", seg), nil)
		require.NoError(t, err)
	}

	err = s.CheckWAL(t.Context())
	require.ErrorContains(t, err, "destination dr lacks 1 objects")
	require.Len(t, got, 2)
	require.Equal(t, messages.StageWALArchive, got[0].Stage)
	require.Equal(t, messages.StatusSucceeded, got[0].Status, "the primary's archive is whole")
	require.Equal(t, messages.StageArchiveCopy, got[1].Stage)
	require.Equal(t, messages.StatusFailed, got[1].Status)
	require.Equal(t, "dr", got[1].Attrs[messages.DestinationAttr])
	require.Contains(t, got[1].Error, s.Layout.WAL("00000001", "000000010000000000000003"))
	require.Contains(t, got[1].Error, "arca copy --archive --to dr")

	got = nil
	_, err = destinations.Copy(t.Context(), s.Store, dr, s.Layout.WAL("00000001", "000000010000000000000003"), nil)
	require.NoError(t, err)
	require.NoError(t, s.CheckWAL(t.Context()))
	require.Len(t, got, 2)
	require.Equal(t, messages.StageArchiveCopy, got[1].Stage)
	require.Equal(t, messages.StatusSucceeded, got[1].Status)
	require.Equal(t, "dr", got[1].Attrs[messages.DestinationAttr])
}
