package alerter_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
)

// PagerDuty down (500, 429, connection refused): the alerts wait in the
// outbox, survive an alerter restart, and are delivered once it is back.
func TestReceiverDownLosesNoAlertAcrossRestart(t *testing.T) {
	t.Parallel()
	for name, down := range map[string]func(b *bundle){
		"500":     func(b *bundle) { b.pd.FailWith(http.StatusInternalServerError) },
		"429":     func(b *bundle) { b.pd.FailWith(http.StatusTooManyRequests) },
		"refused": func(b *bundle) { b.pd.Refuse() },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			down(b)
			stop := b.start(t)
			now := time.Now().UTC()
			b.event(t, failed("down-a", messages.StageExport, now))
			b.event(t, failed("down-b", messages.StageUpload, now))
			keys := []string{key(alert.BackupFailed, "down-a", messages.KindTenant), key(alert.BackupFailed, "down-b", messages.KindTenant)}

			teststack.Eventually(t, waitFor, func() bool {
				return strings.Count(b.logs.String(), "alerts wait in the outbox") >= 2
			}, "delivery attempts while PagerDuty is down")
			for _, k := range keys {
				e, err := b.ob.Get(t.Context(), k)
				require.NoError(t, err)
				require.NotNil(t, e, k)
				require.True(t, e.Pending, "undelivered alert %s is pending", k)
			}
			stop()

			require.NoError(t, b.pd.Recover())
			b.start(t)
			for _, k := range keys {
				b.waitOpen(t, k, true)
			}
			require.Equal(t, 2, b.pd.Created())
			require.Empty(t, b.pd.Invalid())
			teststack.Eventually(t, waitFor, func() bool {
				for _, k := range keys {
					if e, err := b.ob.Get(t.Context(), k); err != nil || e == nil || e.Pending {
						return false
					}
				}
				return true
			}, "entries settled")
		})
	}
}

// A malformed message on EVENTS or DLQ is skipped without quoting it in the
// logs, and the alerter goes on.
func TestMalformedEventDoesNotStopTheAlerter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.start(t)
	ctx := t.Context()
	const secret = "Maria-Silva-HIV"
	for subject, data := range map[string]string{
		"events.x.y.export.failed":    "not json " + secret,
		"events.x.y.upload.failed":    `{"v":99,"stage":"upload","status":"failed","tenant":"` + secret + `"}`,
		"events.x.y.verify.failed":    `{"v":1,"stage":"verify","status":"` + secret + `","time":"2026-01-01T00:00:00Z"}`,
		"events.x.y.encrypt.failed":   `{"v":1,"stage":"encrypt","status":"failed","part":"` + secret + `","time":"2026-01-01T00:00:00Z"}`,
		messages.DLQSubject("export"): "garbage " + secret,
	} {
		_, err := b.nats.JS.Publish(ctx, subject, []byte(data))
		require.NoError(t, err)
	}
	b.event(t, failed("after-garbage", messages.StageExport, time.Now().UTC()))
	b.waitOpen(t, key(alert.BackupFailed, "after-garbage", messages.KindTenant), true)

	teststack.Eventually(t, waitFor, func() bool {
		return strings.Count(b.logs.String(), "message can never be handled; terminated") == 5
	}, "five malformed messages skipped")
	require.NotContains(t, b.logs.String(), secret)
	require.Equal(t, 1, b.pd.Created())
}
