package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cli"
	"github.com/arcabackup/arca/pkg/messages"
)

// arca copy publishes its outcome as the uploader's copy job and the
// verifier do: a copy that no destination can serve pages copy-missing
// for its destination; the copy completed by hand and verified there
// resolves it.
func TestArcaCopyPublishesItsOutcomeAndTheAlertFollows(t *testing.T) {
	t.Parallel()
	e, set := destEnv(t)
	id := e.backup(t, messages.KindTenant, "home-2")
	for _, d := range set {
		require.True(t, waitVerifiedIn(t, e, d, "home-2", id).Verified, d.Name)
	}
	data := e.layout.Data("tenant", "home-2", id)
	object := e.get(t, data)
	for _, d := range set {
		require.NoError(t, d.Store.Delete(t.Context(), data))
	}

	cfgPath := alerterConfig(t, e)
	copyMissing := func() []pdEvent { return copyMissingPages(t, cfgPath) }
	require.Empty(t, copyMissing())
	// arca copy with NATS configured, as an operator's would be.
	arcaCopy := func() (string, int) {
		t.Helper()
		var out, errOut bytes.Buffer
		err := cli.Execute(t.Context(), []string{"--config", cfgPath, "copy", id, "--to", "dr"}, &out, &errOut)
		if err != nil {
			errOut.WriteString(messages.OneLine(err))
		}
		return errOut.String(), cli.ExitCode(err)
	}

	// No destination holds the object: the copy to dr fails, and says so.
	stderr, code := arcaCopy()
	require.NotEqual(t, 0, code)
	require.NotContains(t, stderr, "not recorded")
	stream, err := e.nats.JS.Stream(t.Context(), messages.StreamEvents)
	require.NoError(t, err)
	msg, err := stream.GetLastMsgForSubject(t.Context(), messages.EventSubject("home-2", id, messages.StageCopy, messages.StatusFailed))
	require.NoError(t, err)
	ev, err := messages.Decode[messages.Event](msg.Data)
	require.NoError(t, err)
	require.Equal(t, "dr", ev.Attrs[messages.DestinationAttr])
	require.Equal(t, "arca copy", ev.Attrs["by"])
	pages := copyMissing()
	require.Len(t, pages, 1)
	require.Equal(t, "trigger", pages[0].Action)
	require.Equal(t, "dr", pages[0].Payload.Details["destination"])

	// The object is found again (in the primary): the copy to dr is made
	// and verified there, its events say so, and the page resolves.
	e.put(t, data, object)
	stderr, code = arcaCopy()
	require.Equal(t, 0, code, stderr)
	for _, stage := range []string{messages.StageCopy, messages.StageVerify} {
		msg, err := stream.GetLastMsgForSubject(t.Context(), messages.EventSubject("home-2", id, stage, messages.StatusSucceeded))
		require.NoError(t, err, stage)
		ev, err := messages.Decode[messages.Event](msg.Data)
		require.NoError(t, err)
		if ev.Attrs["by"] == "arca copy" {
			require.Equal(t, "dr", ev.Attrs[messages.DestinationAttr], stage)
		}
	}
	require.Empty(t, copyMissing(), "resolved by the copy made by hand")
}

// alerterConfig is e's configuration with NATS and PagerDuty: what the
// alerter needs, and what lets arca copy publish its events.
func alerterConfig(t *testing.T, e *env) string {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "alerter.yaml")
	doc, err := os.ReadFile(e.cfgPath)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cfgPath, append(doc, fmt.Sprintf("nats: {url: %q}\nalerting: {pagerduty: {routing_key_env: PD_X}, drill_overdue_after: 1000d}\n", e.nats.URL)...), 0o600))
	return cfgPath
}

// copyMissingPages replays the events through the alerter (--dry-run) and
// returns the copy-missing incidents it would leave open.
func copyMissingPages(t *testing.T, cfgPath string) []pdEvent {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, cli.Execute(t.Context(), []string{"--config", cfgPath, "--json", "alerter", "--dry-run"}, &out, io.Discard))
	var events, mine []pdEvent
	require.NoError(t, json.Unmarshal(out.Bytes(), &events), out.String())
	for _, ev := range events {
		if ev.Payload.Details["check"] == "copy-missing" {
			mine = append(mine, ev)
		}
	}
	return mine
}
