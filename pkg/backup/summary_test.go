package backup_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
)

func TestSummarizeCountsPerTenantAndKind(t *testing.T) {
	t.Parallel()
	entry := func(kind, tenant, id string, hour int, v *backup.Verification, verr error) backup.Entry {
		return backup.Entry{Manifest: at(manifest(kind, tenant, id), hour), Verification: v, VerificationErr: verr}
	}
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	got := backup.Summarize([]backup.Entry{
		entry("tenant", "b", "b1", 1, &backup.Verification{Verified: true}, nil),
		entry("tenant", "a", "a2", 3, nil, nil),
		entry("tenant", "a", "a1", 1, &backup.Verification{Verified: true}, nil),
		entry("full", "", "f1", 2, nil, errors.New("refused")),
		entry("base", "", "x1", 2, &backup.Verification{Verified: false}, nil),
	}, now)
	require.Len(t, got, 4)
	require.Equal(t, backup.Summary{Tenant: "a", Kind: "tenant", Backups: 2, Newest: "a2", NewestAt: at(manifest("", "", ""), 3).CreatedAt,
		NewestAge: 7 * 3600, NewestStatus: "pending", OldestAt: at(manifest("", "", ""), 1).CreatedAt, Verified: 1, Pending: 1, StoredBytes: 60}, got[0])
	require.Equal(t, "b", got[1].Tenant)
	require.Equal(t, "full", got[2].Kind)
	require.Equal(t, "failed", got[2].NewestStatus, "a refused verification counts as failed")
	require.Equal(t, 1, got[2].Failed)
	require.Equal(t, "base", got[3].Kind)
	require.Equal(t, "failed", got[3].NewestStatus)

	require.Equal(t, "refused", backup.Entry{VerificationErr: errors.New("x")}.Status())
	require.Equal(t, "pending", backup.Entry{}.Status())
}
