package wal_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/receive"
)

func TestCheckEventSaysWhatFailed(t *testing.T) {
	t.Parallel()
	ok := wal.CheckEvent(messages.StageWALArchive, "")
	require.Equal(t, messages.StatusSucceeded, ok.Status)
	require.Equal(t, messages.KindWAL, ok.Kind)
	require.False(t, ok.Time.IsZero())
	bad := wal.CheckEvent(messages.StageWALSlot, "slot lost")
	require.Equal(t, messages.StatusFailed, bad.Status)
	require.Equal(t, "slot lost", bad.Error)

	require.NoError(t, receive.Health{}.Err())
	err := receive.Health{SlotProblem: "slot lost", StreamProblem: "lag 2m"}.Err()
	require.Equal(t, "WAL stream check: slot lost\nWAL stream check: lag 2m", err.Error())
}
