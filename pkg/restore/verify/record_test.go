package verify_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore/verify"
)

// A result's record sums the tables' rows and carries the failure's
// reason, and the destination the copy is in.
func TestRecordIsTheVerificationOfTheResult(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 5, 0, 0, 0, time.UTC)
	res := verify.Result{BackupID: "b1", ObjectBytes: 40, PlainBytes: 100, Duration: time.Second,
		Tables: []verify.TableResult{{Rows: 3}, {Rows: 4}}}
	require.Equal(t, backup.Verification{BackupID: "b1", Verified: true, CheckedAt: at, Duration: "1s", ObjectBytes: 40, PlainBytes: 100,
		Tables: 2, Rows: 7, Destination: "dr"}, res.Record(nil, "dr", at))
	v := res.Record(errors.New("part 2 tampered"), "", at)
	require.False(t, v.Verified)
	require.Equal(t, "part 2 tampered", v.Reason)
}
