package service

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/coordinator/internal/api"
)

// The coordinator schedules a tenant point-in-time restore as a job on
// jobs.restore, for the restorers; a request carrying a password is refused.
func TestScheduleTenantRestorePublishesTheJob(t *testing.T) {
	t.Parallel()
	b := setup(t, "acme")
	c := b.newCoordinator(t, testConfig())
	at := time.Date(2026, 11, 29, 14, 2, 30, 0, time.UTC)
	m, err := c.ScheduleTenantRestore(t.Context(), TenantRestore{Tenant: "acme", At: at, Mode: "into-schema", Schema: "acme_before"})
	require.NoError(t, err)

	s, err := b.nats.JS.Stream(t.Context(), messages.StreamJobs)
	require.NoError(t, err)
	raw, err := s.GetLastMsgForSubject(t.Context(), messages.RestoreSubject("acme"))
	require.NoError(t, err)
	var got messages.TenantRestoreRequested
	require.NoError(t, json.Unmarshal(raw.Data, &got))
	require.Equal(t, m.ID, got.ID)
	require.Equal(t, "acme", got.Tenant)
	require.True(t, at.Equal(got.At))
	require.Equal(t, "into-schema", got.Mode)
	require.Equal(t, "acme_before", got.Schema)

	_, err = c.ScheduleTenantRestore(t.Context(), TenantRestore{Tenant: "acme", At: at, Mode: "target", Target: "postgres://u:secret@db/app"})
	require.True(t, errors.Is(err, api.ErrInvalid), "%v", err)
	require.NotContains(t, err.Error(), "secret")
}
