package pagerduty_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/pagerduty"
	"github.com/arcabackup/arca/services/alerter/internal/pdtest"
)

const goodKey = "0123456789abcdef0123456789abcdef"

func sender(t *testing.T, url string, key pagerduty.RoutingKey) *pagerduty.Sender {
	t.Helper()
	s, err := pagerduty.New(pagerduty.Config{
		Endpoint:    url,
		RoutingKeys: map[alert.Severity]pagerduty.RoutingKey{alert.Critical: key, alert.High: key, alert.Warning: key},
		RetryMax:    2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
	})
	require.NoError(t, err)
	return s
}

func failure() alert.Alert {
	a := alert.New(alert.BackupFailed, alert.Trigger, alert.Scope{Tenant: "acme", Kind: messages.KindTenant})
	a.Summary, a.Stage, a.Time = "Backup failed: acme", "upload", time.Now()
	a.Details = map[string]string{"backup_id": "b1"}
	return a
}

func TestSendTriggersAndResolvesThroughTheEventsAPI(t *testing.T) {
	t.Parallel()
	pd := pdtest.New(t)
	s := sender(t, pd.URL(), goodKey)
	a := failure()
	require.NoError(t, s.Send(t.Context(), a))
	in, ok := pd.Incident(a.DedupKey())
	require.True(t, ok)
	require.True(t, in.Open)
	ev := pd.Accepted()[0]
	require.Equal(t, "arca", ev.Payload.Source)
	require.Equal(t, "backup-failed", ev.Payload.Class)
	require.Equal(t, "b1", ev.Payload.Details["backup_id"])
	require.Equal(t, "docs/runbooks/backup-failed.md", ev.Payload.Details["runbook"])

	a.Action = alert.Resolve
	require.NoError(t, s.Send(t.Context(), a))
	in, _ = pd.Incident(a.DedupKey())
	require.False(t, in.Open)
}

func TestInvalidEventIsPermanentServerErrorsAreNot(t *testing.T) {
	t.Parallel()
	pd := pdtest.New(t)
	err := sender(t, pd.URL(), "too-short").Send(t.Context(), failure())
	var perm interface{ Permanent() bool }
	require.ErrorAs(t, err, &perm)
	require.True(t, perm.Permanent())
	require.Equal(t, 1, pd.Requests(), "a 400 is not retried")
	require.NotContains(t, err.Error(), "too-short")

	pd.FailWith(http.StatusInternalServerError)
	err = sender(t, pd.URL(), goodKey).Send(t.Context(), failure())
	require.Error(t, err)
	require.False(t, errors.As(err, &perm), "a server error may heal")
	require.Equal(t, 1+3, pd.Requests(), "a 500 is retried by the HTTP client")
	require.NotContains(t, err.Error(), goodKey)
}

func TestRoutingKeyNeverPrints(t *testing.T) {
	t.Parallel()
	k := pagerduty.RoutingKey(goodKey)
	var logs strings.Builder
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "key", k, "keys", map[string]pagerduty.RoutingKey{"c": k})
	out := fmt.Sprintf("%v %+v %#v %s %q", k, k, k, k, k) + logs.String()
	require.NotContains(t, out, goodKey)
	require.Contains(t, out, "[redacted]")
}
