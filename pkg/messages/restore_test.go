package messages_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
)

func TestTenantRestoreRequestedRefusesPasswordsAndMismatchedModes(t *testing.T) {
	ok := messages.TenantRestoreRequested{V: messages.Version, ID: "r1", Tenant: "acme", At: time.Now(),
		Mode: "target", Target: "postgres://restore@db2/app", RequestedAt: time.Now()}
	require.NoError(t, ok.Validate())
	require.Equal(t, messages.Ref{Tenant: "acme", BackupID: "r1", Kind: messages.KindTenant}, ok.Ref())

	for name, change := range map[string]func(*messages.TenantRestoreRequested){
		"password in URL":     func(m *messages.TenantRestoreRequested) { m.Target = "postgres://restore:s3cret@db2/app" },
		"password in DSN":     func(m *messages.TenantRestoreRequested) { m.Target = "host=db2 password=s3cret" },
		"target without URL":  func(m *messages.TenantRestoreRequested) { m.Target = "" },
		"schema without name": func(m *messages.TenantRestoreRequested) { m.Mode, m.Target = "into-schema", "" },
		"URL with replace":    func(m *messages.TenantRestoreRequested) { m.Mode = "replace" },
		"unknown mode":        func(m *messages.TenantRestoreRequested) { m.Mode = "merge" },
		"no time":             func(m *messages.TenantRestoreRequested) { m.At = time.Time{} },
	} {
		m := ok
		change(&m)
		err := m.Validate()
		require.Error(t, err, name)
		require.NotContains(t, err.Error(), "s3cret", name)
	}
}
