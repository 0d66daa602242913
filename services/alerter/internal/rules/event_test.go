package rules_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/rules"
)

func TestEventRules(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)
	part := 3
	ev := func(stage string, s messages.Status) messages.Event {
		return messages.Event{V: 1, Tenant: "acme", Kind: messages.KindTenant, Stage: stage, Status: s, Time: at}
	}
	withBytes := func(e messages.Event, n int64) messages.Event { e.Bytes = n; return e }
	withPart := func(e messages.Event) messages.Event { e.Part = &part; return e }
	type want struct {
		check  alert.Check
		action alert.Action
	}
	for name, tc := range map[string]struct {
		e    messages.Event
		want []want
	}{
		"export failed": {ev("export", messages.StatusFailed), []want{{alert.BackupFailed, alert.Trigger}}},
		"verify failed": {ev("verify", messages.StatusFailed), []want{{alert.VerificationFailed, alert.Trigger}}},
		"drill failed":  {ev(rules.StageDrill, messages.StatusFailed), []want{{alert.VerificationFailed, alert.Trigger}}},
		"dead-lettered": {ev("encrypt", messages.StatusDeadLettered), []want{{alert.DeadLettered, alert.Trigger}}},
		// A verifier that cannot judge a backup (its keyring lacks the key)
		// dead-letters the job: that pages, but not as a failed backup.
		"verify dead-lettered":  {ev("verify", messages.StatusDeadLettered), []want{{alert.DeadLettered, alert.Trigger}}},
		"retrying":              {ev("encrypt", messages.StatusRetrying), nil},
		"started":               {ev("export", messages.StatusStarted), nil},
		"part uploaded":         {withPart(ev("upload", messages.StatusSucceeded)), nil},
		"export succeeded":      {ev("export", messages.StatusSucceeded), nil},
		"commit, no size":       {ev("upload", messages.StatusSucceeded), []want{{alert.BackupFailed, alert.Resolve}, {alert.DeadLettered, alert.Resolve}}},
		"commit, small":         {withBytes(ev("upload", messages.StatusSucceeded), 10), []want{{alert.BackupFailed, alert.Resolve}, {alert.DeadLettered, alert.Resolve}, {alert.BackupTooLarge, alert.Resolve}}},
		"commit, too large":     {withBytes(ev("upload", messages.StatusSucceeded), 101), []want{{alert.BackupFailed, alert.Resolve}, {alert.DeadLettered, alert.Resolve}, {alert.BackupTooLarge, alert.Trigger}}},
		"verified":              {ev("verify", messages.StatusSucceeded), []want{{alert.VerificationFailed, alert.Resolve}}},
		"drill succeeded":       {ev(rules.StageDrill, messages.StatusSucceeded), []want{{alert.VerificationFailed, alert.Resolve}}},
		"verified, large bytes": {withBytes(ev("verify", messages.StatusSucceeded), 500), []want{{alert.VerificationFailed, alert.Resolve}}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got []want
			for _, a := range rules.Event(tc.e, rules.Limits{MaxBackupBytes: 100}) {
				got = append(got, want{a.Check, a.Action})
				require.Equal(t, a.Check.Severity(), a.Severity)
				require.Equal(t, at, a.Time)
				require.Equal(t, alert.Scope{Tenant: "acme", Kind: messages.KindTenant}, a.Scope)
				if a.Action == alert.Trigger {
					require.Contains(t, a.Summary, "acme")
				}
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestDedupKeyIsOnePerCheckKindAndTenant(t *testing.T) {
	t.Parallel()
	k := func(c alert.Check, tenant string, kind messages.Kind) string {
		return alert.New(c, alert.Trigger, alert.Scope{Tenant: tenant, Kind: kind}).DedupKey()
	}
	require.Equal(t, k(alert.BackupFailed, "a.b", messages.KindTenant), k(alert.BackupFailed, "a.b", messages.KindTenant))
	require.NotEqual(t, k(alert.BackupFailed, "a", messages.KindTenant), k(alert.BackupFailed, "a", messages.KindFull))
	require.NotEqual(t, k(alert.BackupFailed, "a", messages.KindTenant), k(alert.DeadLettered, "a", messages.KindTenant))
	require.NotEqual(t, k(alert.BackupFailed, "a", messages.KindTenant), k(alert.BackupFailed, "b", messages.KindTenant))
	require.Regexp(t, `^[-/_=.a-zA-Z0-9]+$`, k(alert.BackupFailed, "spaces * and > dots.", ""), "usable as a KV key")
}
