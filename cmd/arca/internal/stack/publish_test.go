package stack_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Publish says ErrNoNATS when no NATS answers (the command's output is
// then the record) and otherwise puts every event on EVENTS.
func TestPublishRecordsTheEventsOrSaysNATSIsUnreachable(t *testing.T) {
	cfg := fileConfig(t)
	cfg.NATS.URL = "nats://127.0.0.1:1"
	ev := messages.Event{Tenant: "a", Kind: messages.KindTenant, BackupID: "b1", Stage: messages.StageDrill, Status: messages.StatusSucceeded}
	require.ErrorIs(t, stack.Publish(t.Context(), cfg, "drill", ev), stack.ErrNoNATS)

	n := teststack.NewNATS(t)
	cfg.NATS.URL = n.URL
	ev2 := ev
	ev2.BackupID = "b2"
	require.NoError(t, stack.Publish(t.Context(), cfg, "drill", ev, ev2))
	st, err := n.JS.Stream(t.Context(), messages.StreamEvents)
	require.NoError(t, err)
	info, err := st.Info(t.Context())
	require.NoError(t, err)
	require.EqualValues(t, 2, info.State.Msgs)
}
