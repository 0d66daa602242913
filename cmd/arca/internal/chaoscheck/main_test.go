package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// -progress reads, from the EVENTS stream, how far the run and one tenant's
// backup have got: the tenant's latest export attempt counts (an earlier
// attempt's parts do not), and every tenant's verification.
func TestProgressFollowsTheLatestAttemptAndTheVerifications(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	n := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	pub := jobs.NewPublisher(n.JS)
	now := time.Now().UTC()
	big := messages.Ref{Tenant: "casa-01", Kind: messages.KindTenant, BackupID: messages.BackupID(messages.KindTenant, "r1", "casa-01", now)}
	small := messages.Ref{Tenant: "casa-02", Kind: messages.KindTenant, BackupID: messages.BackupID(messages.KindTenant, "r1", "casa-02", now)}
	part := func(ref messages.Ref, stage, art string, i int, last bool) {
		attempt := 1 // each attempt's events are facts of their own (EventMsgID)
		if art == messages.ArtifactID(ref.BackupID, 2) {
			attempt = 2
		}
		require.NoError(t, pub.Event(ctx, messages.PartDone{Ref: ref, Stage: stage, Part: i, Artifact: art, Last: last, Attempt: attempt}.Event()))
	}
	status := func(ref messages.Ref, stage string, s messages.Status) {
		require.NoError(t, pub.Event(ctx, messages.Event{V: messages.Version, Tenant: ref.Tenant, Kind: ref.Kind, BackupID: ref.BackupID,
			Stage: stage, Status: s, Time: time.Now().UTC()}))
	}
	read := func() Progress {
		p, err := readProgress(ctx, n.URL, "casa-01")
		require.NoError(t, err)
		return p
	}
	require.Equal(t, "verified=0 attempts=0 exported=0 last=0 encrypted=0 uploaded=0 committed=0 done=0", read().String())

	a1, a2 := messages.ArtifactID(big.BackupID, 1), messages.ArtifactID(big.BackupID, 2)
	part(big, messages.StageExport, a1, 0, false)
	part(big, messages.StageExport, a1, 1, false)
	part(big, messages.StageEncrypt, a1, 0, false)
	part(small, messages.StageExport, "other", 0, true)
	status(small, messages.StageVerify, messages.StatusSucceeded)
	require.Equal(t, "verified=1 attempts=1 exported=2 last=0 encrypted=1 uploaded=0 committed=0 done=0", read().String())

	part(big, messages.StageExport, a2, 0, false) // the export started again
	part(big, messages.StageEncrypt, a2, 0, false)
	part(big, messages.StageUpload, a2, 0, false)
	require.Equal(t, "verified=1 attempts=2 exported=1 last=0 encrypted=1 uploaded=1 committed=0 done=0", read().String())

	part(big, messages.StageExport, a2, 1, true)
	status(big, messages.StageUpload, messages.StatusSucceeded)
	status(big, messages.StageVerify, messages.StatusSucceeded)
	require.Equal(t, "verified=2 attempts=2 exported=2 last=1 encrypted=1 uploaded=1 committed=1 done=1", read().String())
}

// The dead letters are read from the DLQ stream's first to its last, none
// when it is empty.
func TestDeadLettersReadsTheDLQStreamToItsEnd(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	n := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	dls, err := deadLetters(ctx, n.JS)
	require.NoError(t, err)
	require.Empty(t, dls)

	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	for _, tenant := range []string{"casa-01", "casa-02"} {
		doc, err := json.Marshal(messages.DeadLetter{V: messages.Version, Stage: messages.StageUpload, Subject: "jobs.upload." + tenant,
			Reason: "gave up", About: messages.Ref{Tenant: tenant, BackupID: "b-" + tenant}, Time: at})
		require.NoError(t, err)
		_, err = n.JS.Publish(ctx, messages.DLQSubject(messages.StageUpload), doc)
		require.NoError(t, err)
	}
	dls, err = deadLetters(ctx, n.JS)
	require.NoError(t, err)
	require.Equal(t, []DeadLetter{
		{Stage: messages.StageUpload, Subject: "jobs.upload.casa-01", Reason: "gave up", Tenant: "casa-01", BackupID: "b-casa-01", Time: "2026-11-30T08:00:00Z"},
		{Stage: messages.StageUpload, Subject: "jobs.upload.casa-02", Reason: "gave up", Tenant: "casa-02", BackupID: "b-casa-02", Time: "2026-11-30T08:00:00Z"},
	}, dls)
}
