package rules_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/rules"
)

// A copy that fails in one destination pages copy-missing for that
// destination alone; its verification resolves it; and nothing about a
// copy touches the primary's incidents.
func TestCopyEventsPageCopyMissingPerDestination(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)
	ev := func(stage string, s messages.Status, dest string) messages.Event {
		return messages.Event{V: 1, Tenant: "acme", Kind: messages.KindTenant, BackupID: "b1", Stage: stage, Status: s, Time: at,
			Attrs: map[string]string{messages.DestinationAttr: dest}}
	}
	failed := rules.Event(ev(messages.StageCopy, messages.StatusFailed, "local"), rules.Limits{})
	require.Len(t, failed, 1)
	a := failed[0]
	require.Equal(t, alert.CopyMissing, a.Check)
	require.Equal(t, alert.Trigger, a.Action)
	require.Equal(t, alert.High, a.Severity)
	require.Equal(t, "local", a.Scope.Destination)
	require.Contains(t, a.Summary, `destination "local"`)
	require.Equal(t, "arca/copy-missing/tenant/"+messagesToken("acme")+"/local", a.DedupKey())

	other := rules.Event(ev(messages.StageVerify, messages.StatusFailed, "dr"), rules.Limits{})
	require.Len(t, other, 1)
	require.Equal(t, alert.CopyMissing, other[0].Check)
	require.NotEqual(t, a.DedupKey(), other[0].DedupKey(), "each destination its own incident")

	resolved := rules.Event(ev(messages.StageVerify, messages.StatusSucceeded, "local"), rules.Limits{})
	require.Len(t, resolved, 1)
	require.Equal(t, alert.Resolve, resolved[0].Action)
	require.Equal(t, a.DedupKey(), resolved[0].DedupKey())

	require.Empty(t, rules.Event(ev(messages.StageCopy, messages.StatusRetrying, "local"), rules.Limits{}))
	require.Empty(t, rules.Event(ev(messages.StageCopy, messages.StatusSucceeded, "local"), rules.Limits{}), "copied is not yet verified")
}

func messagesToken(tenant string) string {
	a := alert.New(alert.CopyMissing, alert.Trigger, alert.Scope{Tenant: tenant, Kind: messages.KindTenant})
	k := a.DedupKey()
	return k[len("arca/copy-missing/tenant/"):]
}

// The coordinator's WAL check compares each further destination's copy of
// the base backups and WAL archive with the primary's (walcheck.CopyArchive):
// objects missing there page copy-missing for that destination, a whole
// copy resolves it.
func TestArchiveCopyEventsPageCopyMissing(t *testing.T) {
	t.Parallel()
	ev := func(stage string, s messages.Status) messages.Event {
		return messages.Event{V: 1, Kind: messages.KindWAL, Stage: stage, Status: s, Time: time.Now().UTC(),
			Attrs: map[string]string{messages.DestinationAttr: "dr"}}
	}
	failed := rules.Event(ev(messages.StageArchiveCopy, messages.StatusFailed), rules.Limits{})
	require.Len(t, failed, 1)
	require.Equal(t, alert.CopyMissing, failed[0].Check)
	require.Equal(t, alert.Trigger, failed[0].Action)
	require.Equal(t, "dr", failed[0].Scope.Destination)
	resolved := rules.Event(ev(messages.StageArchiveCopy, messages.StatusSucceeded), rules.Limits{})
	require.Len(t, resolved, 1)
	require.Equal(t, alert.Resolve, resolved[0].Action)
	require.Equal(t, failed[0].DedupKey(), resolved[0].DedupKey())
}
